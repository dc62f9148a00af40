-- The retiree archive (6.11.1 a): the fields of a full record beside the monitoring ones, each with a
-- default so that code written before the archive keeps working. `rank` stays the free-text column;
-- the archive API writes only 师级 / 团级 / 营级及以下 / 士官 into it. The existing `medical_history`
-- column holds the conditions (疾病), so the rescue card keeps reading it.
alter table retirees add column id_card text;
alter table retirees add column centre text not null default '';
alter table retirees add column station text not null default '';
alter table retirees add column medication text not null default '';
alter table retirees add column allergies text not null default '';
alter table retirees add column living_situation text not null default ''
  check (living_situation in ('', 'alone', 'with_spouse', 'with_family', 'institution'));
alter table retirees add column bedridden boolean not null default false;
alter table retirees add column care_arrangement text not null default '';
alter table retirees add column party_member boolean not null default false;
alter table retirees add column party_branch text not null default '';
alter table retirees add column hobbies text not null default '';
alter table retirees add column skills text not null default '';
alter table retirees add column service_needs text not null default '';
alter table retirees add column status text not null default 'active'
  check (status in ('active', 'abroad', 'deceased'));

-- An ID-card number names one person: unique when present.
create unique index retirees_id_card on retirees (id_card) where id_card is not null;
-- The archive list: its filters and sort keys, each ending in id for a stable order.
create index retirees_name_id on retirees (name, id);
create index retirees_birth_id on retirees (birth_date, id);
create index retirees_created_id on retirees (created_at, id);
create index retirees_station_name on retirees (station, name, id);
create index retirees_status_name on retirees (status, name, id);
create index retirees_rank_name on retirees (rank, name, id);
create index retirees_living_name on retirees (living_situation, name, id);
create index retirees_phone on retirees (phone);

-- Family members are the retiree's contacts; the archive adds whether they live together.
alter table contacts add column lives_with boolean not null default false;

-- Change history: one row per changed field, with who and when (6.11.2.2, 6.11.2.3).
create table archive_changes (
  id bigserial primary key,
  retiree_id uuid not null references retirees (id),
  changed_at timestamptz not null default now(),
  changed_by uuid references users (id),
  source text not null check (source in ('edit', 'import', 'attachment')),
  field text not null,
  old_value text,
  new_value text
);
create index archive_changes_retiree on archive_changes (retiree_id, id desc);

-- Attachments (scans, photos, audio): kept on disk, never deleted, only withdrawn.
create table archive_attachments (
  id uuid primary key,
  retiree_id uuid not null references retirees (id),
  name text not null,
  content_type text not null,
  size_bytes integer not null,
  sha256 text not null,
  uploaded_at timestamptz not null default now(),
  uploaded_by uuid references users (id),
  withdrawn_at timestamptz,
  withdrawn_by uuid references users (id),
  withdrawn_reason text
);
create index archive_attachments_retiree on archive_attachments (retiree_id, uploaded_at desc);

-- The archive access log (6.1.2.8): who consulted which file, when, and why.
create table archive_access_log (
  id bigserial primary key,
  at timestamptz not null default now(),
  user_id uuid not null references users (id),
  retiree_id uuid references retirees (id),
  attachment_id uuid references archive_attachments (id),
  action text not null check (action in ('record', 'history', 'attachment', 'export')),
  reason text not null,
  detail jsonb not null default '{}'::jsonb
);
create index archive_access_at on archive_access_log (at desc, id desc);
create index archive_access_retiree on archive_access_log (retiree_id, at desc);
create index archive_access_user on archive_access_log (user_id, at desc);
