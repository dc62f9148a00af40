-- Export, deletion and retention of a person's data (PIPL art. 45, 47; 6.11.2.2).

-- What stays of a deleted retiree: that they were deleted, on which decision, when and by whom.
-- No name, no identity number, no foreign keys: the retiree row itself is gone.
create table privacy_tombstones (
  retiree_id uuid primary key,
  decision_ref text not null,
  decided_by text not null,
  reason text not null,
  deleted_at timestamptz not null,
  deleted_by uuid null,
  deleted_by_name text not null,
  receipt_id uuid not null
);

-- Receipts of deletions (one per decision) and of retention runs: what was removed, counts per store.
create table privacy_receipts (
  id uuid primary key,
  kind text not null check (kind in ('deletion', 'retention')),
  retiree_id uuid null,
  at timestamptz not null,
  by_id uuid null,
  by_name text not null,
  detail jsonb not null
);
create index privacy_receipts_at on privacy_receipts (kind, at desc);
