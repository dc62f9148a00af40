-- The smaller clauses: the retirees' management committee (5.1.8) with its members, meetings,
-- minutes and decisions; the facilities register with the person responsible, opening hours, rules
-- and the inspection and maintenance log (5.3.2.4); each retiree's honours (6.2.2.2: medals,
-- 光荣之家 plaques) and publications, speeches, teaching and re-employment (6.4.2.6).
create table committee_members (
  id uuid primary key,
  name text not null,
  retiree_id uuid references retirees (id),
  role text not null check (role in ('chair', 'vice_chair', 'secretary', 'member')),
  from_on date not null,
  to_on date,
  note text not null default '',
  recorded_by uuid not null references users (id),
  recorded_at timestamptz not null,
  check (to_on is null or to_on >= from_on)
);

create table committee_meetings (
  id uuid primary key,
  held_on date not null,
  place text not null default '',
  topic text not null,
  attendees text[] not null default '{}',
  minutes text not null default '',
  recorded_by uuid not null references users (id),
  recorded_at timestamptz not null
);
create index committee_meetings_held on committee_meetings (held_on desc);

create table committee_decisions (
  id uuid primary key,
  meeting_id uuid not null references committee_meetings (id),
  seq integer not null,
  text text not null,
  owner_id uuid references users (id),
  due_on date,
  done_on date,
  done_note text not null default '',
  unique (meeting_id, seq)
);
create index committee_decisions_open on committee_decisions (due_on) where done_on is null;

create table facilities (
  id uuid primary key,
  name text not null,
  kind text not null check (kind in ('activity_room', 'reading_room', 'fitness', 'clinic', 'canteen', 'garden', 'meeting_room', 'other')),
  location text not null default '',
  opening_hours text not null default '',
  responsible_id uuid not null references users (id),
  rules text not null default '',
  inspect_every_days integer not null check (inspect_every_days between 1 and 365),
  since_on date not null,
  retired_at timestamptz,
  updated_by uuid not null references users (id),
  updated_at timestamptz not null
);
create unique index facilities_name on facilities (name) where retired_at is null;

create table facility_inspections (
  id uuid primary key,
  facility_id uuid not null references facilities (id),
  kind text not null check (kind in ('inspection', 'maintenance', 'repair')),
  done_on date not null,
  result text not null check (result in ('ok', 'issue')),
  findings text not null default '',
  action text not null default '',
  recorded_by uuid not null references users (id),
  recorded_at timestamptz not null
);
create index facility_inspections_facility on facility_inspections (facility_id, done_on desc);

create table honours (
  id uuid primary key,
  retiree_id uuid not null references retirees (id),
  kind text not null check (kind in ('medal', 'plaque', 'title', 'commendation', 'other')),
  name text not null,
  awarded_on date,
  awarded_by text not null default '',
  note text not null default '',
  recorded_by uuid not null references users (id),
  recorded_at timestamptz not null
);
create index honours_retiree on honours (retiree_id, awarded_on desc);

create table retiree_engagements (
  id uuid primary key,
  retiree_id uuid not null references retirees (id),
  kind text not null check (kind in ('publication', 'speech', 'teaching', 're_employment')),
  title text not null,
  organisation text not null default '',
  from_on date not null,
  to_on date,
  filed_on date not null,
  note text not null default '',
  recorded_by uuid not null references users (id),
  recorded_at timestamptz not null,
  check (to_on is null or to_on >= from_on)
);
create index retiree_engagements_retiree on retiree_engagements (retiree_id, from_on desc);
