-- The sweeps over the devices run every few seconds, each now through an index, so a sweep costs
-- what it finds rather than a read of every device: with tens of thousands of devices the table
-- outgrows the database's cache, and a whole read holds PGlite (and the hub's thread with it) for
-- tens of ms. The absence sweep (gateway/detect/watch.ts) reads the devices it may report, in the
-- order they are due.
--
-- A will now moves the device's next look forward to its time, so one column says when each
-- device is due; a device heard and never looked at is due at its first contact.
update devices set silent_after = heard_at where heard_at is not null and silent_after is null;
update devices set silent_after = least(silent_after, offline_since)
 where heard_at is not null and offline_since > heard_at;

drop index devices_silent_after;
create index devices_silent_after on devices (silent_after)
  where heard_at is not null and revoked_at is null
    and (silence_reported_at is null or silence_reported_at < heard_at);

create index devices_bed_exit_due on devices (bed_exit_since)
  where bed_exit_since is not null and revoked_at is null
    and (bed_exit_judged_at is null or bed_exit_judged_at < bed_exit_since);

-- The devices of an instance gone quiet are found every few seconds (server/cluster/links.ts):
-- through the instances they are linked to, not by reading every connected device.
create index devices_linked_to on devices (linked_to) where linked_to is not null;

-- Each device's newest readings are written every few seconds (server/devices/state.ts): room left
-- in each page lets such a write stay on its page without touching the indexes (a HOT update).
-- Pages written from now on keep it.
alter table devices set (fillfactor = 70);
