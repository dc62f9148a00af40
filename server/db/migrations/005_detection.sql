-- Scheduled button tests and service requests (the green 求助 key, 6.12).

-- The last test press of each device with a button; a monthly test is expected.
create table button_tests (
  device_id text primary key references devices (id),
  last_test_at timestamptz not null
);

-- A service request: requested → assigned to a provider → done, with the retiree's rating (6.12).
create table service_requests (
  id uuid primary key,
  retiree_id uuid references retirees (id),
  device_id text references devices (id),
  event_id text,
  requested_at timestamptz not null,
  status text not null default 'requested' check (status in ('requested', 'assigned', 'done', 'cancelled')),
  kind text not null default '',
  provider text not null default '',
  note text not null default '',
  assigned_at timestamptz,
  done_at timestamptz,
  rating integer check (rating between 1 and 5)
);
create index service_requests_status on service_requests (status, requested_at desc);
-- A redelivered press (QoS 1, same event id) is one request.
create unique index service_requests_event on service_requests (device_id, event_id);
