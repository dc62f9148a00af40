-- Reception and resettlement (6.1 接收安置): one intake case per newly transferred retiree, the checklist of
-- 6.1.1 a)–e) with each step's due date, done date, who did it, note and attachments (files kept by the
-- archive, linked here); the three-party meeting (6.1.2.4) and the three-party transfer agreement with the
-- medical-cost responsibility until the social-security card is issued (6.1.2.6); every change as history.

-- 6.1.2.8: the day the retiree's information was entered into the information system, set when the intake
-- case is completed.
alter table retirees add column archive_entered_on date;

create table intake_cases (
  id uuid primary key,
  retiree_id uuid not null references retirees (id),
  status text not null default 'open' check (status in ('open', 'complete')),
  received_on date not null,
  sending_unit text not null default '',
  placement text not null default '',
  pension_level text not null default '',
  owner_id uuid references users (id),
  note text not null default '',
  opened_by uuid references users (id),
  opened_at timestamptz not null default now(),
  completed_on date,
  completed_by uuid references users (id),
  completed_at timestamptz,
  check ((status = 'complete') = (completed_on is not null))
);
-- One open case per retiree: a second one is refused by the index even when two requests race.
create unique index intake_cases_one_open on intake_cases (retiree_id) where status = 'open';
create index intake_cases_status on intake_cases (status, received_on desc, id);
create index intake_cases_retiree on intake_cases (retiree_id, opened_at desc);

create table intake_steps (
  id uuid primary key,
  case_id uuid not null references intake_cases (id),
  retiree_id uuid not null references retirees (id),
  step text not null,
  seq integer not null,
  required boolean not null,
  due_on date not null,
  status text not null default 'open' check (status in ('open', 'done', 'not_applicable')),
  done_on date,
  done_by uuid references users (id),
  note text not null default '',
  unique (case_id, step),
  check ((status = 'done') = (done_on is not null))
);
create index intake_steps_open on intake_steps (status, due_on);

-- Attachments of a step are archive attachments (stored, type-checked and read-logged by the archive).
create table intake_step_attachments (
  step_id uuid not null references intake_steps (id),
  attachment_id uuid not null references archive_attachments (id),
  added_by uuid references users (id),
  added_at timestamptz not null default now(),
  primary key (step_id, attachment_id)
);

create table intake_meetings (
  case_id uuid primary key references intake_cases (id),
  held_on date not null,
  place text not null,
  centre_name text not null,
  unit_name text not null,
  retiree_side text not null check (retiree_side in ('retiree', 'guardian')),
  retiree_side_name text not null,
  guardian_relation text not null default '',
  attendees jsonb not null default '[]'::jsonb,
  notes text not null default '',
  recorded_by uuid references users (id),
  recorded_at timestamptz not null default now()
);

create table intake_agreements (
  case_id uuid primary key references intake_cases (id),
  centre_name text not null,
  unit_name text not null,
  retiree_side text not null check (retiree_side in ('retiree', 'guardian')),
  retiree_side_name text not null,
  placement text not null default '',
  pension_level text not null default '',
  medical_bearer text not null check (medical_bearer in ('sending_unit', 'centre', 'retiree')),
  medical_until text not null check (medical_until in ('card_issued', 'date')),
  medical_until_date date,
  other_terms jsonb not null default '[]'::jsonb,
  signatories jsonb not null default '[]'::jsonb,
  signed_on date,
  recorded_by uuid references users (id),
  recorded_at timestamptz not null default now(),
  check ((medical_until = 'date') = (medical_until_date is not null))
);

-- The history of a case and its steps: who changed what, when (6.11.2.3).
create table intake_events (
  id bigserial primary key,
  case_id uuid not null references intake_cases (id),
  step_id uuid references intake_steps (id),
  at timestamptz not null default now(),
  by_id uuid references users (id),
  action text not null,
  detail text not null default ''
);
create index intake_events_case on intake_events (case_id, id);
