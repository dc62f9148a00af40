-- Where the Wi-Fi access points that watches hear stand, learned by the hub from watches that
-- report a satellite fix together with the access points they hear (server/location/wifi.ts), so
-- that a watch indoors, with no satellites, can still be placed: near the routers it hears.
create table wifi_access_points (
  -- AA:BB:CC:DD:EE:FF, universally administered (a router's own address).
  mac text primary key check (mac ~ '^([0-9A-F]{2}:){5}[0-9A-F]{2}$'),
  lat double precision not null check (lat between -90 and 90),
  lon double precision not null check (lon between -180 and 180),
  -- Fixes that heard it.
  samples integer not null check (samples >= 1),
  -- The farthest one of those fixes was from its place (metres).
  spread_m integer not null default 0 check (spread_m >= 0),
  -- Heard from places too far apart: it travels (a bus's, a hotspot's) and is never used.
  moving boolean not null default false,
  updated_at timestamptz not null
);
