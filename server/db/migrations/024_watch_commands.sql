-- Commands to watches and pendants on their makers' protocols: the centre's words after an alert is
-- acknowledged, "report your position now", and settings (heart-rate interval, fall and removal
-- alarms, the SOS key's numbers). Each is kept with who asked, when it went out and the watch's
-- answer. A command for a watch that is away waits here (queued) and goes out when it links again.
create table watch_commands (
  id uuid primary key,
  device_id text not null references devices (id) on delete cascade,
  kind text not null,
  command jsonb not null,
  status text not null check (
    status in ('queued', 'sent', 'answered', 'refused', 'unanswered', 'expired', 'superseded', 'failed')
  ),
  -- Null for what the hub sends on its own (the words after an acknowledge).
  requested_by uuid references users (id),
  alert_id uuid,
  requested_at timestamptz not null,
  -- A queued command past this is not sent: "staff are coming" an hour late misleads.
  expires_at timestamptz,
  sent_at timestamptz,
  answer_key text,
  answered_at timestamptz,
  detail text not null default ''
);
create index watch_commands_device on watch_commands (device_id, requested_at desc);
create index watch_commands_waiting on watch_commands (device_id, status) where status in ('queued', 'sent', 'unanswered');
