-- Where each retiree was last seen by a watch (its latest fix, in WGS-84 as the watch sent it), and
-- the safe zone of a retiree at risk of wandering (防走失) with the state of its rule, so that a
-- restart neither forgets the latest place nor opens a second alert for the same departure.
create table retiree_locations (
  retiree_id uuid primary key references retirees (id) on delete cascade,
  device_id text not null,
  fixed_at timestamptz not null,
  lat double precision not null,
  lon double precision not null,
  valid boolean not null,
  source text not null check (source in ('gps', 'wifi', 'cell')),
  speed_kmh double precision,
  course double precision,
  received_at timestamptz not null
);

create table safe_zones (
  retiree_id uuid primary key references retirees (id) on delete cascade,
  lat double precision not null check (lat between -90 and 90),
  lon double precision not null check (lon between -180 and 180),
  radius_m integer not null check (radius_m between 50 and 50000),
  -- Why the retiree is at risk (认知障碍…), as staff wrote it.
  reason text not null default '',
  set_by uuid references users (id),
  set_at timestamptz not null,
  -- The rule's state (server/location/zone.ts): outside once two valid fixes in a row were beyond
  -- the radius and its margin; inside again at a valid fix within the radius.
  state text not null default 'inside' check (state in ('inside', 'outside')),
  outside_streak integer not null default 0,
  last_fix_at timestamptz,
  -- The latest fixes the rule saw, newest last: the alert's detail shows them.
  recent jsonb not null default '[]'::jsonb
);
