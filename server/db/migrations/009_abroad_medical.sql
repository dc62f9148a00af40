-- Travel abroad and part-time posts (6.4.2.3–6.4.2.5), retirees abroad (6.4.2.4), and medical care
-- (6.5): the yearly health check (6.5.2.2), the health record (6.5.2.3) and out-of-town treatment
-- approvals (6.5.2.5).

-- The archive's status (active, abroad, deceased). `if not exists`: the archive adds the same column.
alter table retirees add column if not exists status text not null default 'active'
  check (status in ('active', 'abroad', 'deceased'));

-- A request whose approval chain follows the rank (kept as it was when the request was made).
create table abroad_requests (
  id uuid primary key,
  kind text not null check (kind in ('travel', 'part_time_post')),
  retiree_id uuid not null references retirees (id),
  rank text not null check (rank in ('师级', '团级', '营级及以下', '士官')),
  status text not null check (status in ('requested', 'opinion_given', 'centre_approved', 'approved', 'rejected', 'filed', 'withdrawn')),
  destination text,
  purpose text,
  depart_on date,
  return_on date,
  organisation text,
  post text,
  starts_on date,
  ends_on date,
  note text not null default '',
  requested_by uuid not null references users (id),
  requested_at timestamptz not null,
  closed_at timestamptz,
  check (
    (kind = 'travel' and destination is not null and purpose is not null and depart_on is not null
      and return_on is not null and return_on >= depart_on)
    or (kind = 'part_time_post' and organisation is not null and post is not null and starts_on is not null
      and (ends_on is null or ends_on >= starts_on))
  )
);
create index abroad_requests_requested on abroad_requests (requested_at desc, id desc);
create index abroad_requests_open on abroad_requests (status, requested_at desc) where closed_at is null;
create index abroad_requests_retiree on abroad_requests (retiree_id, requested_at desc);

-- Each step taken, in the chain's order (position from 0; -1 for a withdrawal), who, when, why.
create table abroad_request_steps (
  id bigserial primary key,
  request_id uuid not null references abroad_requests (id),
  position integer not null,
  step text not null,
  decision text not null check (decision in ('agree', 'disagree', 'approve', 'reject', 'file', 'withdraw')),
  actor_id uuid not null references users (id),
  at timestamptz not null,
  note text not null default '',
  document_no text,
  document_date date,
  unique (request_id, position)
);

-- A stay abroad, from departure to return.
create table abroad_stays (
  id uuid primary key,
  retiree_id uuid not null references retirees (id),
  request_id uuid references abroad_requests (id),
  destination text not null default '',
  departed_on date not null,
  expected_return_on date,
  returned_on date,
  note text not null default '',
  marked_by uuid not null references users (id),
  marked_at timestamptz not null,
  returned_by uuid references users (id),
  returned_at timestamptz,
  check (returned_on is null or returned_on >= departed_on)
);
create unique index abroad_stays_one_open on abroad_stays (retiree_id) where returned_on is null;
create unique index abroad_stays_request on abroad_stays (request_id) where request_id is not null;
create index abroad_stays_departed on abroad_stays (departed_on desc);

-- The contact log of a stay (at least one contact a month).
create table abroad_contacts (
  id uuid primary key,
  stay_id uuid not null references abroad_stays (id),
  at timestamptz not null,
  channel text not null check (channel in ('phone', 'video', 'message')),
  by_id uuid not null references users (id),
  note text not null default '',
  recorded_at timestamptz not null
);
create index abroad_contacts_stay on abroad_contacts (stay_id, at desc);

-- 暂停发放离退休费: raised by the check after six months without contact, with the drafted report;
-- cleared only by a decision (who, when, why).
create table pension_suspensions (
  id uuid primary key,
  stay_id uuid not null references abroad_stays (id),
  retiree_id uuid not null references retirees (id),
  flagged_at timestamptz not null,
  flagged_on date not null,
  silent_since date not null,
  last_contact_at timestamptz,
  months integer not null,
  report text not null,
  cleared_at timestamptz,
  cleared_by uuid references users (id),
  clear_reason text,
  check ((cleared_at is null) = (cleared_by is null) and (cleared_at is null) = (clear_reason is null))
);
create unique index pension_suspensions_one_active on pension_suspensions (stay_id) where cleared_at is null;
create index pension_suspensions_retiree on pension_suspensions (retiree_id, flagged_at desc);

-- The health record (6.5.2.3): conditions, medication and allergies, one row each, ended not deleted.
create table health_record_items (
  id uuid primary key,
  retiree_id uuid not null references retirees (id),
  kind text not null check (kind in ('condition', 'medication', 'allergy')),
  name text not null,
  detail text not null default '',
  since_on date,
  ended_on date,
  recorded_by uuid not null references users (id),
  recorded_at timestamptz not null,
  updated_at timestamptz not null,
  check (ended_on is null or since_on is null or ended_on >= since_on)
);
create index health_record_items_retiree on health_record_items (retiree_id, kind, recorded_at);

-- The yearly health check (6.5.2.2) and its results.
create table health_checks (
  id uuid primary key,
  retiree_id uuid not null references retirees (id),
  checked_on date not null,
  hospital text not null,
  summary text not null,
  recorded_by uuid not null references users (id),
  recorded_at timestamptz not null
);
create index health_checks_retiree on health_checks (retiree_id, checked_on desc);
create index health_checks_date on health_checks (checked_on);

-- A due date set in the year's plan for one retiree (else: the anniversary of the last check, or 31 Dec).
create table health_check_schedule (
  year integer not null check (year between 2000 and 2100),
  retiree_id uuid not null references retirees (id),
  due_on date not null,
  note text not null default '',
  set_by uuid not null references users (id),
  set_at timestamptz not null,
  primary key (year, retiree_id),
  check (extract(year from due_on) = year)
);

-- Treatment in another city (6.5.2.5): requested, then approved or rejected.
create table out_of_town_treatments (
  id uuid primary key,
  retiree_id uuid not null references retirees (id),
  hospital text not null,
  city text not null,
  reason text not null,
  from_on date not null,
  to_on date not null,
  status text not null default 'requested' check (status in ('requested', 'approved', 'rejected')),
  requested_by uuid not null references users (id),
  requested_at timestamptz not null,
  decided_by uuid references users (id),
  decided_at timestamptz,
  decision_note text,
  check (to_on >= from_on),
  check ((status = 'requested') = (decided_at is null))
);
create index out_of_town_treatments_status on out_of_town_treatments (status, requested_at desc);
create index out_of_town_treatments_retiree on out_of_town_treatments (retiree_id, requested_at desc);
