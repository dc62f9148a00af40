-- The monitoring centre's workflow (5.1.7): in-progress and cancelled states, assignment,
-- escalation levels, storm hints; the per-centre escalation ladder; duty roster and hand-over.

alter table alerts drop constraint alerts_status_check;
alter table alerts add constraint alerts_status_check
  check (status in ('open', 'acknowledged', 'in_progress', 'resolved', 'cancelled'));
alter table alerts add column assigned_to uuid references users (id);
alter table alerts add column assigned_at timestamptz;
alter table alerts add column in_progress_at timestamptz;
alter table alerts add column cancelled_at timestamptz;
alter table alerts add column cancelled_by uuid references users (id);
alter table alerts add column escalation_level integer not null default 0;
alter table alerts add column escalated_at timestamptz;
alter table alerts add column hint text;

drop index alerts_one_active;
create unique index alerts_one_active on alerts (subject, kind)
  where status in ('open', 'acknowledged', 'in_progress');

-- Not acknowledged after `after_seconds` from opening: notify these audiences. Ordered by level.
create table escalation_ladder (
  level integer primary key check (level >= 1),
  after_seconds integer not null check (after_seconds > 0),
  notify text[] not null
);
insert into escalation_ladder (level, after_seconds, notify) values
  (1, 60, array['supervisor', 'family']),
  (2, 180, array['manager']);

create table duty_shifts (
  id uuid primary key,
  user_id uuid not null references users (id),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  role text not null default 'operator',
  check (ends_at > starts_at)
);
create index duty_shifts_time on duty_shifts (starts_at, ends_at);

create table handover_notes (
  id uuid primary key,
  author_id uuid not null references users (id),
  written_at timestamptz not null default now(),
  text text not null,
  -- The alerts still open or in progress when the note was written, carried over to the next shift.
  carried_alert_ids uuid[] not null default '{}'
);
create index handover_notes_time on handover_notes (written_at desc);
