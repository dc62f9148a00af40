-- Records of the monitoring side: staff, retirees and their emergency contacts, devices and their
-- binding to a retiree, device events (for redelivery de-duplication), alerts and each step on them.

create table users (
  id uuid primary key,
  username text not null unique,
  display_name text not null,
  role text not null check (role in ('admin', 'supervisor', 'operator', 'caseworker')),
  password_hash text not null,
  disabled boolean not null default false,
  created_at timestamptz not null default now()
);

create table sessions (
  token_hash text primary key,
  user_id uuid not null references users (id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_user on sessions (user_id);

create table retirees (
  id uuid primary key,
  name text not null,
  gender text not null check (gender in ('male', 'female')),
  birth_date date not null,
  rank text not null default '',
  address text not null default '',
  phone text not null default '',
  blood_type text not null default '',
  medical_history text not null default '',
  hr_low integer,
  hr_high integer,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table contacts (
  id uuid primary key,
  retiree_id uuid not null references retirees (id),
  name text not null,
  relation text not null,
  phone text not null,
  email text,
  priority integer not null default 1
);
create index contacts_retiree on contacts (retiree_id, priority);

create table devices (
  id text primary key,
  type text not null,
  secret_hash text not null,
  retiree_id uuid references retirees (id),
  room text not null default '',
  label text not null default '',
  online boolean not null default false,
  battery real,
  firmware text,
  last_seen_at timestamptz,
  latest jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index devices_retiree on devices (retiree_id);

create table device_events (
  device_id text not null references devices (id),
  event_id text not null,
  type text not null,
  occurred_at timestamptz not null,
  received_at timestamptz not null default now(),
  primary key (device_id, event_id)
);

create table alerts (
  id uuid primary key,
  retiree_id uuid references retirees (id),
  device_id text not null references devices (id),
  kind text not null,
  severity text not null check (severity in ('critical', 'high', 'medium', 'low')),
  status text not null check (status in ('open', 'acknowledged', 'resolved')),
  subject text not null,
  count integer not null default 1,
  opened_at timestamptz not null,
  last_at timestamptz not null,
  acknowledged_at timestamptz,
  acknowledged_by uuid references users (id),
  resolved_at timestamptz,
  resolved_by uuid references users (id),
  outcome text check (outcome in ('genuine', 'false_alarm', 'device_fault', 'test')),
  note text,
  event_id text,
  detail jsonb not null default '{}'::jsonb
);
-- One active alert per subject (the retiree, or the device when unbound) and kind: repeats add to it.
create unique index alerts_one_active on alerts (subject, kind) where status in ('open', 'acknowledged');
create index alerts_status on alerts (status, opened_at desc);
create index alerts_retiree on alerts (retiree_id, opened_at desc);

create table alert_steps (
  id bigserial primary key,
  alert_id uuid not null references alerts (id),
  at timestamptz not null default now(),
  actor_id uuid references users (id),
  action text not null,
  detail jsonb not null default '{}'::jsonb
);
create index alert_steps_alert on alert_steps (alert_id, at);
