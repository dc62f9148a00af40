-- Deliveries not finished yet (server/notify/outbox.ts): written when an alert's change is to be
-- told, removed with the attempt that ends it (sent, refused, or the last retry). A row is held by
-- the instance delivering it (`claimed_by`); a row held by an instance no longer heard from in
-- hub_instances, or held by nobody (the hub stopped, or more were waiting than fit in memory), is
-- taken by any instance once it is due, so a notice outlives the process that was sending it.
create table notification_outbox (
  id uuid primary key,
  alert_id uuid not null references alerts (id),
  channel_id uuid not null references notification_channels (id),
  -- The channel and the message as resolved when the alert moved (server/notify/message.ts).
  job jsonb not null,
  -- The page that acts on the alert, issued at the first attempt of a staff member's delivery.
  link text,
  -- The next attempt's number (1 for the first).
  attempt integer not null default 1 check (attempt >= 1),
  due_at timestamptz not null default now(),
  claimed_by uuid,
  created_at timestamptz not null default now()
);
create index notification_outbox_due on notification_outbox (due_at, created_at);
