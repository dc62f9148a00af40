-- A device's battery comes from two paths, its readings (stored in batches) and its status message
-- (stored at once); each is kept only when it is newer than the one held, so a batch written late
-- never brings back an older level.
alter table devices add column battery_at timestamptz;
update devices set battery_at = last_seen_at where battery is not null;
