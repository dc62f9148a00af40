-- Living treatment (6.3 生活待遇), elderly care (6.7 养老服务) and after death (6.10 逝世善后服务).

-- A benefit (6.3.1 b, d; 6.3.2.6): nursing fee 护理费, survivor subsidy 遗属生活补助, home-leave and
-- hospital meal subsidies (探亲 / 住院伙食补助). applied → approved | rejected; approved → paid (first
-- payment) → stopped. A stop names its reason; a stopped or rejected benefit takes no payment.
create table benefits (
  id uuid primary key,
  retiree_id uuid not null references retirees (id),
  kind text not null check (kind in ('nursing_fee', 'survivor_subsidy', 'home_leave_meal', 'hospital_meal')),
  beneficiary_name text not null default '',
  beneficiary_relation text not null default '',
  monthly_amount_fen integer check (monthly_amount_fen is null or monthly_amount_fen >= 0),
  status text not null default 'applied' check (status in ('applied', 'approved', 'rejected', 'paid', 'stopped')),
  applied_on date not null,
  owner_id uuid references users (id),
  review_on date,
  stop_reason text check (stop_reason is null or stop_reason in ('death', 'moved', 'not_eligible', 'other')),
  stopped_on date,
  note text not null default '',
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((status = 'stopped') = (stop_reason is not null))
);
create index benefits_retiree on benefits (retiree_id, created_at);
create index benefits_status on benefits (status, kind);
create index benefits_review on benefits (review_on) where status in ('approved', 'paid');

-- Each step of a benefit, with who, when and the note.
create table benefit_events (
  id bigserial primary key,
  benefit_id uuid not null references benefits (id),
  action text not null check (action in ('apply', 'approve', 'reject', 'pay', 'stop')),
  at timestamptz not null default now(),
  by_user uuid references users (id),
  note text not null default ''
);
create index benefit_events_benefit on benefit_events (benefit_id, id);

-- A payment: one per benefit and period (YYYY-MM), the amount in fen.
create table benefit_payments (
  id uuid primary key,
  benefit_id uuid not null references benefits (id),
  period text not null check (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  amount_fen integer not null check (amount_fen > 0),
  paid_on date not null,
  paid_by uuid references users (id),
  note text not null default '',
  created_at timestamptz not null default now(),
  unique (benefit_id, period)
);

-- Preferential cards held (6.3.2.3): 退役军人优待证, 老年优待证, 乘车证. One held card per kind.
create table benefit_cards (
  id uuid primary key,
  retiree_id uuid not null references retirees (id),
  kind text not null check (kind in ('veteran_card', 'senior_card', 'transport_card')),
  number text not null default '',
  issued_on date not null,
  expires_on date,
  returned_on date,
  return_reason text,
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  check (expires_on is null or expires_on >= issued_on),
  check (returned_on is null or returned_on >= issued_on)
);
create unique index benefit_cards_one_held on benefit_cards (retiree_id, kind) where returned_on is null;

-- A care arrangement (6.7.1 b–d): home 居家, community 社区, institution 机构; one current per retiree.
create table care_arrangements (
  id uuid primary key,
  retiree_id uuid not null references retirees (id),
  type text not null check (type in ('home', 'community', 'institution')),
  provider text not null,
  care_level text not null check (care_level in ('intact', 'mild', 'moderate', 'severe')),
  start_on date not null,
  end_on date,
  end_reason text,
  note text not null default '',
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  check (end_on is null or end_on >= start_on)
);
create unique index care_arrangements_one_current on care_arrangements (retiree_id) where end_on is null;

-- The care visits (6.7.2.2 走访探视和关爱服务).
create table care_visits (
  id uuid primary key,
  arrangement_id uuid not null references care_arrangements (id),
  retiree_id uuid not null references retirees (id),
  visited_on date not null,
  visitor text not null,
  content text not null,
  problems text not null default '',
  recorded_by uuid references users (id),
  created_at timestamptz not null default now()
);
create index care_visits_retiree on care_visits (retiree_id, visited_on desc);

-- A death (6.10): one per retiree; the record is closed, never deleted.
create table deaths (
  id uuid primary key,
  retiree_id uuid not null unique references retirees (id),
  died_on date not null,
  place text not null,
  cause text not null default '',
  survivor_name text not null default '',
  survivor_relation text not null default '',
  flag_covering text not null default 'none' check (flag_covering in ('party', 'army', 'none')),
  recorded_by uuid references users (id),
  recorded_at timestamptz not null default now(),
  completed_at timestamptz
);

-- The bereavement checklist (6.10.2.1–6.10.2.4): each step with owner, due date and done date.
create table bereavement_steps (
  id uuid primary key,
  death_id uuid not null references deaths (id),
  retiree_id uuid not null references retirees (id),
  step text not null,
  seq integer not null,
  owner_id uuid references users (id),
  due_on date not null,
  status text not null default 'open' check (status in ('open', 'done', 'not_applicable')),
  done_on date,
  done_by uuid references users (id),
  note text not null default '',
  unique (death_id, step)
);
create index bereavement_steps_due on bereavement_steps (status, due_on);
