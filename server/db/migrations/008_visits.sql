-- Visits and condolences (6.8 走访慰问): campaigns, visit tasks, visit records with the seven fields of
-- 6.8.2.5, follow-ups of the problems raised (6.8.2.6), hospital admissions that raise a visit (6.8.2.2).

-- Living situation flags that decide the recurring focus visits (6.8.2.3) and the contact by phone or
-- video for those living elsewhere (6.8.2.4). `if not exists`: the archive may add the same flag.
alter table retirees add column if not exists solitary boolean not null default false;
alter table retirees add column if not exists bedridden boolean not null default false;
alter table retirees add column if not exists lives_elsewhere boolean not null default false;

-- A holiday campaign (6.8.2.1): one per holiday and year.
create table visit_campaigns (
  id uuid primary key,
  holiday text not null check (holiday in ('spring_festival', 'army_day', 'national_day')),
  year integer not null check (year between 2000 and 2100),
  holiday_date date not null,
  opens_on date not null,
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  unique (holiday, year)
);

-- A visit to make: from a campaign, an admission, the monthly focus round, or by hand.
create table visit_tasks (
  id uuid primary key,
  retiree_id uuid not null references retirees (id),
  reason text not null check (reason in ('spring_festival', 'army_day', 'national_day', 'hospital', 'focus', 'other')),
  title text not null,
  campaign_id uuid references visit_campaigns (id),
  admission_id uuid,
  opens_on date not null,
  due_on date not null,
  assignee_id uuid references users (id),
  status text not null default 'open' check (status in ('open', 'done', 'cancelled')),
  record_id uuid,
  previous_task_id uuid references visit_tasks (id),
  created_at timestamptz not null default now(),
  closed_at timestamptz,
  check (opens_on <= due_on)
);
create unique index visit_tasks_campaign_retiree on visit_tasks (campaign_id, retiree_id) where campaign_id is not null;
create unique index visit_tasks_one_open_focus on visit_tasks (retiree_id) where reason = 'focus' and status = 'open';
create index visit_tasks_due on visit_tasks (status, due_on);
create index visit_tasks_assignee on visit_tasks (assignee_id, status, due_on);
create index visit_tasks_retiree on visit_tasks (retiree_id, created_at);

-- A hospital admission (6.8.2.2): raises a visit due within 3 days.
create table hospital_admissions (
  id uuid primary key,
  retiree_id uuid not null references retirees (id),
  hospital text not null,
  admitted_on date not null,
  discharged_on date,
  note text not null default '',
  recorded_by uuid references users (id),
  created_at timestamptz not null default now()
);
create index hospital_admissions_retiree on hospital_admissions (retiree_id, admitted_on);

-- The visit record (6.8.2.5): the seven fields, who went, when and how.
create table visit_records (
  id uuid primary key,
  retiree_id uuid not null references retirees (id),
  task_id uuid references visit_tasks (id),
  reason text not null,
  visited_on date not null,
  mode text not null check (mode in ('in_person', 'phone', 'video')),
  visitors text[] not null,
  thought text not null,
  health text not null,
  medical_care text not null,
  hobbies text not null,
  social_activity text not null,
  family text not null,
  living_conditions text not null,
  recorded_by uuid references users (id),
  created_at timestamptz not null default now()
);
create index visit_records_visited on visit_records (visited_on);
create index visit_records_retiree on visit_records (retiree_id, visited_on);

-- A problem raised in a visit, handled and answered (6.8.2.6).
create table visit_follow_ups (
  id uuid primary key,
  record_id uuid not null references visit_records (id),
  retiree_id uuid not null references retirees (id),
  description text not null,
  owner_id uuid not null references users (id),
  due_on date not null,
  status text not null default 'open' check (status in ('open', 'done')),
  reply text,
  done_at timestamptz,
  done_by uuid references users (id),
  created_at timestamptz not null default now()
);
create index visit_follow_ups_owner on visit_follow_ups (owner_id, status, due_on);
create index visit_follow_ups_record on visit_follow_ups (record_id);
