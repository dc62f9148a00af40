-- Culture and sport (6.6 文体活动): the yearly plan by age, health and skills (6.6.2.2), events with the
-- staff on duty and the medical cover each needs before it is confirmed (6.6.2.5), sign-ups within the
-- capacity and attendance afterwards; interest groups with their leader and members (6.6.2.3).
-- Roles of retirees (6.9 发挥军休干部优势和作用): the volunteer, think-tank and community political
-- commissar register with service hours (6.9.2.1–6.9.2.3); oral history with audio and transcripts
-- kept as archive attachments (6.9.2.4).

create table activity_plans (
  id uuid primary key,
  year integer not null unique check (year between 2000 and 2100),
  title text not null,
  notes text not null default '',
  created_by uuid references users (id),
  created_at timestamptz not null default now()
);

create table activity_plan_items (
  id uuid primary key,
  plan_id uuid not null references activity_plans (id),
  title text not null,
  kind text not null check (kind in ('culture', 'sport', 'study', 'outing', 'other')),
  month integer check (month between 1 and 12),
  age_group text not null default 'all' check (age_group in ('all', 'under_80', 'from_80_to_89', 'from_90')),
  health text not null default 'all' check (health in ('all', 'able', 'limited')),
  skills text not null default '',
  notes text not null default '',
  created_at timestamptz not null default now()
);
create index activity_plan_items_plan on activity_plan_items (plan_id, month, id);

create table activity_groups (
  id uuid primary key,
  name text not null unique,
  kind text not null check (kind in ('calligraphy', 'painting', 'dance', 'choir', 'tai_chi', 'reading', 'ball', 'other')),
  leader_id uuid references retirees (id),
  meets text not null default '',
  place text not null default '',
  notes text not null default '',
  created_by uuid references users (id),
  created_at timestamptz not null default now()
);

create table activity_group_members (
  group_id uuid not null references activity_groups (id),
  retiree_id uuid not null references retirees (id),
  joined_on date not null,
  left_on date,
  added_by uuid references users (id),
  primary key (group_id, retiree_id)
);
create index activity_group_members_retiree on activity_group_members (retiree_id);

create table activity_events (
  id uuid primary key,
  plan_item_id uuid references activity_plan_items (id),
  group_id uuid references activity_groups (id),
  title text not null,
  kind text not null check (kind in ('culture', 'sport', 'study', 'outing', 'other')),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  place text not null,
  capacity integer not null check (capacity between 1 and 10000),
  medical_cover text not null default '',
  owner_id uuid not null references users (id),
  status text not null default 'planned' check (status in ('planned', 'confirmed', 'cancelled')),
  confirmed_at timestamptz,
  confirmed_by uuid references users (id),
  cancelled_reason text,
  attendance_recorded_at timestamptz,
  attendance_recorded_by uuid references users (id),
  notes text not null default '',
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  check (starts_at < ends_at)
);
create index activity_events_starts on activity_events (starts_at, id);
create index activity_events_owner on activity_events (owner_id, status, starts_at);

create table activity_event_staff (
  event_id uuid not null references activity_events (id),
  user_id uuid not null references users (id),
  duty text not null default '',
  primary key (event_id, user_id)
);

create table activity_signups (
  event_id uuid not null references activity_events (id),
  retiree_id uuid not null references retirees (id),
  status text not null default 'signed_up' check (status in ('signed_up', 'withdrawn')),
  signed_up_at timestamptz not null default now(),
  signed_up_by uuid references users (id),
  attendance text check (attendance in ('present', 'absent', 'excused')),
  attendance_note text not null default '',
  primary key (event_id, retiree_id)
);
create index activity_signups_retiree on activity_signups (retiree_id);

create table retiree_roles (
  id uuid primary key,
  retiree_id uuid not null references retirees (id),
  role text not null check (role in ('volunteer', 'think_tank', 'community_commissar')),
  skills text[] not null default '{}',
  availability text not null default '',
  started_on date not null,
  ended_on date,
  end_reason text,
  notes text not null default '',
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  check (ended_on is null or ended_on >= started_on)
);
-- One active entry per retiree and role.
create unique index retiree_roles_active on retiree_roles (retiree_id, role) where ended_on is null;

create table role_service_hours (
  id uuid primary key,
  role_id uuid not null references retiree_roles (id),
  retiree_id uuid not null references retirees (id),
  served_on date not null,
  hours numeric(4, 1) not null check (hours > 0 and hours <= 24),
  activity text not null,
  recorded_by uuid references users (id),
  created_at timestamptz not null default now()
);
create index role_service_hours_role on role_service_hours (role_id, served_on);

create table oral_histories (
  id uuid primary key,
  retiree_id uuid not null references retirees (id),
  title text not null,
  interviewer text not null,
  interviewed_on date not null,
  summary text not null default '',
  transcript text not null default '',
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index oral_histories_retiree on oral_histories (retiree_id, interviewed_on);

create table oral_history_files (
  attachment_id uuid primary key references archive_attachments (id),
  oral_history_id uuid not null references oral_histories (id),
  kind text not null check (kind in ('audio', 'transcript')),
  added_at timestamptz not null default now()
);
create index oral_history_files_item on oral_history_files (oral_history_id, added_at);
