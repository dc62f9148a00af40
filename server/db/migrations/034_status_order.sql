-- When the device's online state on record was said (the hub's clock at the status message), so
-- that status messages of one device handled by different instances, or written out of order,
-- leave the newest one on record.
alter table devices add column status_at timestamptz;
