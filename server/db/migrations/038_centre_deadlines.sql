-- The centre's deadlines (server/settings/deadlines.ts): a value only where the centre changed the
-- default an area declares; days, or days per step of a procedure. Who changed it last, and when.
create table centre_deadlines (
  key text primary key,
  value jsonb not null,
  updated_by uuid references users (id),
  updated_at timestamptz not null
);
