-- Device revocation and secret rotation (issue 5). A revoked device keeps its row, since its alerts,
-- events and readings refer to it: it only stops opening anything. The secret's last replacement is
-- kept beside it, with who did either.
alter table devices add column revoked_at timestamptz;
alter table devices add column revoked_reason text;
alter table devices add column revoked_by uuid references users (id);
alter table devices add column secret_rotated_at timestamptz;
alter table devices add column secret_rotated_by uuid references users (id);

-- The hub itself, as the subject of security alerts (an alert names a device). Its id starts with
-- an underscore, which no device id may, so no device can register or sign in as it; it is revoked
-- from the start and its secret hash matches nothing.
insert into devices (id, type, secret_hash, label, revoked_at, revoked_reason)
  values ('_hub', 'hub', '!', '军休智慧监护平台', now(), 'the hub itself: subject of security alerts, not a device')
  on conflict (id) do nothing;
