-- What detection by silence needs, kept in the records rather than in one instance's memory, so
-- that whichever instance runs the sweep (gateway/detect/watch.ts, on the holder of the jobs'
-- lease) sees the contacts every instance heard, and a sweep taken over by another instance
-- neither repeats an alert nor misses one.
alter table devices
  -- The hub's own clock at the device's last contact (any message); a device's own timestamps
  -- may be off or replayed from its memory, so last_seen_at does not serve.
  add column heard_at timestamptz,
  -- The earliest the device's silence can be due: the sweep looks at it again from then on, and
  -- moves it to the last contact plus the device's limit when it was heard since.
  add column silent_after timestamptz,
  -- The device's own word that it went offline (its will); counts while nothing was heard after.
  add column offline_since timestamptz,
  -- device_offline raised for the silence that began at heard_at; re-armed by the next contact.
  add column silence_reported_at timestamptz,
  -- The hub's clock at the bed sensor's newest reading, and since when the bed has been empty.
  add column bed_at timestamptz,
  add column bed_exit_since timestamptz,
  -- The bed exit since bed_exit_since was judged: an alert raised, or a morning rise let be.
  add column bed_exit_judged_at timestamptz;

-- Silence was measured from the last contact on record before.
update devices set heard_at = last_seen_at;

create index devices_silent_after on devices (silent_after) where heard_at is not null;

-- Each retiree's last motion, door or presence at home, and the sensor that saw it.
create table retiree_activity (
  retiree_id uuid primary key references retirees (id) on delete cascade,
  device_id text not null references devices (id) on delete cascade,
  active_at timestamptz not null,
  -- inactivity raised for the quiet that began at active_at.
  reported_at timestamptz
);
