-- Where the cell towers of the region stand, imported by the administrator from an OpenCelliD
-- export (its CSV columns: radio, mcc, net, area, cell, unit, lon, lat, range, samples, …), so that
-- a watch indoors, with no satellites, can still be placed: near the towers it hears.
create table cell_towers (
  mcc integer not null check (mcc between 0 and 999),
  mnc integer not null check (mnc between 0 and 999),
  -- LAC (GSM, UMTS) or TAC (LTE, NR).
  lac integer not null check (lac >= 0),
  -- The cell id; an LTE ECI or an NR NCI is wider than 32 bits.
  cid bigint not null check (cid >= 0),
  radio text not null,
  lat double precision not null check (lat between -90 and 90),
  lon double precision not null check (lon between -180 and 180),
  -- Metres: how far from this point the cell was heard.
  range_m integer not null check (range_m >= 0),
  samples integer not null default 0,
  updated_at timestamptz not null,
  primary key (mcc, mnc, lac, cid)
);

-- How far the latest place may be from where the retiree is (metres); null for a satellite fix.
alter table retiree_locations add column accuracy_m integer;
