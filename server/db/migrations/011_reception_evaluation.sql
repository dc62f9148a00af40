-- Political life and reception (6.2 政治待遇): organisation life, study sessions and political activities
-- with attendance (6.2.2.3–6.2.2.8), letters, visits and calls received and answered (6.2.2.10), honour
-- convalescence batches (6.2.2.11). Party membership and branch stay in the archive (retirees).
-- Supervision and evaluation (7.1 监督评价): satisfaction surveys, complaints and suggestions; continuous
-- improvement (7.2 持续改进): improvement actions linked to the findings that caused them.

create table political_activities (
  id uuid primary key,
  kind text not null check (kind in ('organisation_life', 'study', 'activity')),
  held_on date not null,
  topic text not null,
  place text not null default '',
  notes text not null default '',
  created_by uuid references users (id),
  created_at timestamptz not null default now()
);
create index political_activities_held on political_activities (held_on, id);

create table political_attendance (
  activity_id uuid not null references political_activities (id),
  retiree_id uuid not null references retirees (id),
  status text not null check (status in ('present', 'absent', 'excused')),
  note text not null default '',
  recorded_at timestamptz not null default now(),
  primary key (activity_id, retiree_id)
);
create index political_attendance_retiree on political_attendance (retiree_id);

create table convalescence_batches (
  id uuid primary key,
  name text not null,
  level text not null default '',
  place text not null,
  starts_on date not null,
  ends_on date not null,
  notes text not null default '',
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  check (starts_on <= ends_on)
);

create table convalescence_participants (
  batch_id uuid not null references convalescence_batches (id),
  retiree_id uuid not null references retirees (id),
  reason text not null default '',
  added_at timestamptz not null default now(),
  primary key (batch_id, retiree_id)
);
create index convalescence_participants_retiree on convalescence_participants (retiree_id);

create table reception_items (
  id uuid primary key,
  channel text not null check (channel in ('letter', 'visit', 'call')),
  received_on date not null,
  from_name text not null,
  from_contact text not null default '',
  retiree_id uuid references retirees (id),
  content text not null,
  reply_days integer not null check (reply_days between 1 and 365),
  reply_due_on date not null,
  handler_id uuid not null references users (id),
  status text not null default 'received' check (status in ('received', 'in_hand', 'replied')),
  reply text,
  replied_on date,
  replied_by uuid references users (id),
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  check (received_on <= reply_due_on)
);
create index reception_items_open on reception_items (status, reply_due_on);
create index reception_items_handler on reception_items (handler_id, status, reply_due_on);

create table surveys (
  id uuid primary key,
  title text not null,
  period text not null,
  status text not null default 'open' check (status in ('open', 'closed')),
  created_by uuid references users (id),
  created_at timestamptz not null default now()
);
create index surveys_period on surveys (period);

create table survey_questions (
  id uuid primary key,
  survey_id uuid not null references surveys (id),
  position integer not null,
  text text not null,
  kind text not null check (kind in ('scale', 'text')),
  unique (survey_id, position)
);

create table survey_responses (
  id uuid primary key,
  survey_id uuid not null references surveys (id),
  retiree_id uuid references retirees (id),
  service_area text not null check (service_area in ('medical', 'culture_sports', 'visits', 'monitoring', 'living', 'political', 'other')),
  responded_on date not null,
  recorded_by uuid references users (id),
  created_at timestamptz not null default now()
);
create unique index survey_responses_one_per_retiree on survey_responses (survey_id, service_area, retiree_id) where retiree_id is not null;
create index survey_responses_area on survey_responses (survey_id, service_area);

create table survey_answers (
  response_id uuid not null references survey_responses (id),
  question_id uuid not null references survey_questions (id),
  score integer check (score between 1 and 5),
  text text,
  primary key (response_id, question_id),
  check ((score is null) <> (text is null))
);

create table feedback_items (
  id uuid primary key,
  kind text not null check (kind in ('complaint', 'suggestion')),
  channel text not null check (channel in ('suggestion_box', 'window_book', 'phone', 'online', 'meeting')),
  received_on date not null,
  from_name text not null default '',
  retiree_id uuid references retirees (id),
  service_area text check (service_area in ('medical', 'culture_sports', 'visits', 'monitoring', 'living', 'political', 'other')),
  content text not null,
  answer_due_on date not null,
  handler_id uuid not null references users (id),
  status text not null default 'received' check (status in ('received', 'handling', 'answered', 'closed')),
  answer text,
  answered_on date,
  answered_by uuid references users (id),
  close_note text,
  closed_at timestamptz,
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  check (received_on <= answer_due_on)
);
create index feedback_items_open on feedback_items (status, answer_due_on);
create index feedback_items_handler on feedback_items (handler_id, status, answer_due_on);

create table improvement_actions (
  id uuid primary key,
  title text not null,
  description text not null default '',
  finding_kind text not null check (finding_kind in ('complaint', 'survey', 'text')),
  feedback_id uuid references feedback_items (id),
  survey_id uuid references surveys (id),
  service_area text check (service_area in ('medical', 'culture_sports', 'visits', 'monitoring', 'living', 'political', 'other')),
  finding_text text not null default '',
  owner_id uuid not null references users (id),
  due_on date not null,
  status text not null default 'planned' check (status in ('planned', 'doing', 'done', 'reviewed')),
  result text,
  done_on date,
  review_note text,
  reviewed_by uuid references users (id),
  reviewed_at timestamptz,
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  check ((finding_kind = 'complaint') = (feedback_id is not null)),
  check ((finding_kind = 'survey') = (survey_id is not null))
);
create index improvement_actions_open on improvement_actions (status, due_on);
create index improvement_actions_owner on improvement_actions (owner_id, status, due_on);
create index improvement_actions_feedback on improvement_actions (feedback_id);
create index improvement_actions_survey on improvement_actions (survey_id);
