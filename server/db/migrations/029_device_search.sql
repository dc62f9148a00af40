-- The device registry, a page at a time (DeviceStore.listing), with thousands of devices.
--
-- Its search looks for a part of the id, label, room or Zigbee friendly name, anywhere in it. Four
-- ILIKEs a row cost about 45 ms over 10,000 devices in PGlite; one LIKE over this lower-cased copy,
-- kept by the database itself, about 5 ms. (A trigram index would do better still, but pg_trgm is
-- not among PGlite's extensions here, and the same migrations run on both engines.)
alter table devices
  add column search text generated always as (
    lower(id || ' ' || label || ' ' || room || ' ' || coalesce(friendly_name, ''))
  ) stored;

-- Offline devices first, then by id: each page in that order without sorting the whole table.
create index devices_listing on devices (online, id);
