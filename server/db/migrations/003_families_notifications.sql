-- Families (6.11.2.4: "families are told"): family accounts scoped to one retiree, and the
-- notification channels and the log of every delivery attempt.

alter table users drop constraint users_role_check;
alter table users add constraint users_role_check
  check (role in ('admin', 'supervisor', 'operator', 'caseworker', 'family'));

-- A family account sees exactly one retiree (6.11.2.2); it may stand for one of the retiree's contacts.
create table family_links (
  user_id uuid primary key references users (id),
  retiree_id uuid not null references retirees (id),
  contact_id uuid references contacts (id),
  created_by uuid references users (id),
  created_at timestamptz not null default now()
);
create index family_links_retiree on family_links (retiree_id);

-- Where a contact (audience `family`) or a centre role (`supervisor`, `manager`) is told, and from
-- which severity on. Channels are never deleted (deliveries refer to them): removal sets removed_at.
create table notification_channels (
  id uuid primary key,
  audience text not null default 'family' check (audience in ('family', 'supervisor', 'manager')),
  contact_id uuid references contacts (id),
  kind text not null check (kind in ('email', 'webhook')),
  target text not null,
  secret text,
  min_severity text not null default 'high' check (min_severity in ('critical', 'high', 'medium', 'low')),
  enabled boolean not null default true,
  created_at timestamptz not null default now(),
  removed_at timestamptz,
  check ((audience = 'family') = (contact_id is not null))
);
create index notification_channels_contact on notification_channels (contact_id);

-- One row per attempt: a webhook retried twice leaves three rows.
create table notification_deliveries (
  id bigserial primary key,
  alert_id uuid not null references alerts (id),
  channel_id uuid not null references notification_channels (id),
  reason text not null,
  attempt integer not null check (attempt >= 1),
  status text not null check (status in ('sent', 'failed', 'retrying')),
  at timestamptz not null default now(),
  response text,
  error text
);
create index notification_deliveries_alert on notification_deliveries (alert_id, at, id);
