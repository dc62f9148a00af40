-- Money (6.3, 6.4.2.4, 6.5.2.1, 6.10.2.4): each retiree's retirement pay and allowances as items
-- with a monthly amount from one month to another; the month's pay run writes an entry per item,
-- paid, or withheld while the pension is suspended for silence abroad (6.4.2.4); withheld pay is
-- paid back as arrears (补发) in a later month once the suspension is cleared. Medical
-- reimbursements with their receipts; the one-off payments after a death (丧葬费, 抚恤金).
create table pay_items (
  id uuid primary key,
  retiree_id uuid not null references retirees (id),
  kind text not null check (kind in ('pension', 'living_allowance', 'post_allowance', 'heating', 'property', 'other')),
  name text not null,
  monthly_fen integer not null check (monthly_fen > 0),
  from_month text not null check (from_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  to_month text check (to_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  end_reason text check (end_reason in ('adjusted', 'death', 'stopped')),
  note text not null default '',
  recorded_by uuid not null references users (id),
  recorded_at timestamptz not null,
  check (to_month is null or to_month >= from_month),
  check ((to_month is null) = (end_reason is null))
);
create index pay_items_retiree on pay_items (retiree_id, from_month);

create table pay_runs (
  period text primary key check (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  run_by uuid not null references users (id),
  run_at timestamptz not null,
  note text not null default ''
);

create table pay_entries (
  id uuid primary key,
  period text not null references pay_runs (period),
  retiree_id uuid not null references retirees (id),
  item_id uuid not null references pay_items (id),
  amount_fen integer not null check (amount_fen > 0),
  state text not null check (state in ('paid', 'withheld')),
  suspension_id uuid references pension_suspensions (id),
  settled_period text check (settled_period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  settled_at timestamptz,
  settled_by uuid references users (id),
  unique (item_id, period),
  check ((state = 'withheld') = (suspension_id is not null)),
  check (settled_period is null or state = 'withheld'),
  check ((settled_period is null) = (settled_at is null))
);
create index pay_entries_retiree on pay_entries (retiree_id, period);
create index pay_entries_period on pay_entries (period);
create index pay_entries_arrears on pay_entries (retiree_id) where state = 'withheld' and settled_period is null;
create index pay_entries_settled on pay_entries (settled_period) where settled_period is not null;

create table medical_claims (
  id uuid primary key,
  retiree_id uuid not null references retirees (id),
  kind text not null check (kind in ('outpatient', 'inpatient', 'out_of_town', 'subsidy')),
  treatment_id uuid references out_of_town_treatments (id),
  submitted_on date not null,
  claimed_fen integer not null check (claimed_fen > 0),
  status text not null default 'submitted' check (status in ('submitted', 'approved', 'rejected', 'paid')),
  approved_fen integer check (approved_fen is null or approved_fen >= 0),
  decided_by uuid references users (id),
  decided_at timestamptz,
  decision_note text not null default '',
  paid_on date,
  paid_period text check (paid_period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  paid_by uuid references users (id),
  note text not null default '',
  recorded_by uuid not null references users (id),
  recorded_at timestamptz not null,
  check (approved_fen is null or approved_fen <= claimed_fen),
  check ((status = 'paid') = (paid_on is not null))
);
create index medical_claims_retiree on medical_claims (retiree_id, submitted_on desc);
create index medical_claims_paid on medical_claims (paid_period) where paid_period is not null;

create table medical_claim_receipts (
  id uuid primary key,
  claim_id uuid not null references medical_claims (id),
  seq integer not null,
  number text not null,
  issuer text not null,
  issued_on date not null,
  amount_fen integer not null check (amount_fen > 0),
  unique (claim_id, seq)
);
create index medical_claim_receipts_number on medical_claim_receipts (issuer, number);

create table lump_sum_payments (
  id uuid primary key,
  retiree_id uuid not null references retirees (id),
  kind text not null check (kind in ('funeral_allowance', 'survivor_pension', 'other')),
  name text not null,
  payee_name text not null,
  payee_relation text not null default '',
  amount_fen integer not null check (amount_fen > 0),
  paid_on date not null,
  period text not null check (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  note text not null default '',
  recorded_by uuid not null references users (id),
  recorded_at timestamptz not null
);
create unique index lump_sum_payments_once on lump_sum_payments (retiree_id, kind) where kind <> 'other';
create index lump_sum_payments_period on lump_sum_payments (period);
