-- Privacy (PIPL; 6.11.2.2 "retrieve and update records only as authorised"): the audit log of who
-- signed in, who was refused and who read or changed a health record, and the retirees' consents.

-- Append-only and hash-chained: each row's hash covers its own fields and the previous row's hash,
-- so a changed or missing row breaks the chain at its seq (server/audit/chain.ts). seq is assigned
-- by the writer under an advisory lock (gapless), never by the sequence, so a gap means a lost row.
-- No foreign keys: an entry outlives the account and the retiree it names.
create table audit_log (
  seq bigserial primary key,
  at timestamptz not null,
  actor_id uuid null,
  actor_name text not null,
  role text not null,
  action text not null check (action in ('login', 'login_failed', 'logout', 'denied', 'read', 'change', 'export', 'delete', 'consent')),
  target_type text not null,
  target_id text not null,
  retiree_id uuid null,
  ip text not null,
  result text not null,
  detail jsonb not null default '{}',
  prev_hash text not null,
  hash text not null
);
create index audit_log_at on audit_log (at desc);
create index audit_log_retiree on audit_log (retiree_id, seq desc) where retiree_id is not null;
create index audit_log_actor on audit_log (actor_id, seq desc) where actor_id is not null;
create index audit_log_action on audit_log (action, seq desc);

-- Refuse UPDATE, DELETE and TRUNCATE in the database itself (the body is one line: our migration
-- splitter cuts at a `;` that ends a line). Someone who owns the table can still disable the
-- triggers; the hash chain is what shows it then.
create function audit_log_append_only() returns trigger language plpgsql as $$ begin raise exception 'audit_log is append-only: % refused', tg_op using errcode = 'insufficient_privilege'; end $$;
create trigger audit_log_no_change before update or delete on audit_log for each row execute function audit_log_append_only();
create trigger audit_log_no_truncate before truncate on audit_log for each statement execute function audit_log_append_only();

-- Consents, one row per version (server/consent/): 'health_processing' (the centre's processing of
-- the retiree's health data, subject 'centre') and 'family_sharing' (sharing with one family
-- account, subject = that account's user id). The current state is the highest version; rows are
-- never changed, so the history is the table.
create table consents (
  id uuid primary key,
  retiree_id uuid not null references retirees (id) on delete cascade,
  kind text not null check (kind in ('health_processing', 'family_sharing')),
  subject text not null,
  family_user_id uuid null references users (id),
  version integer not null check (version >= 1),
  state text not null check (state in ('given', 'withdrawn')),
  basis text not null,
  recorded_by uuid null references users (id),
  recorded_by_name text not null,
  recorded_at timestamptz not null,
  grandfathered boolean not null default false,
  unique (retiree_id, kind, subject, version),
  check ((kind = 'family_sharing') = (family_user_id is not null)),
  check (kind = 'family_sharing' or subject = 'centre')
);
create index consents_family_user on consents (family_user_id, version desc) where family_user_id is not null;

-- What was already working keeps working: every retiree and every family account that existed
-- before this migration is recorded as consent given, grandfathered, by the system at migration time.
insert into consents (id, retiree_id, kind, subject, family_user_id, version, state, basis, recorded_by, recorded_by_name, recorded_at, grandfathered)
  select gen_random_uuid(), r.id, 'health_processing', 'centre', null, 1, 'given', '本功能启用前已在平台登记，按既有授权视为同意（迁移时记录）', null, '系统', now(), true
    from retirees r;
insert into consents (id, retiree_id, kind, subject, family_user_id, version, state, basis, recorded_by, recorded_by_name, recorded_at, grandfathered)
  select gen_random_uuid(), f.retiree_id, 'family_sharing', f.user_id::text, f.user_id, 1, 'given', '本功能启用前已开通家属账号，按既有授权视为同意（迁移时记录）', null, '系统', now(), true
    from family_links f;
