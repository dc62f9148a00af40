-- Off-the-shelf Zigbee sensors behind a Zigbee2MQTT bridge. The bridge is a device of type
-- `bridge.zigbee2mqtt`; each sensor is a device of type `zigbee.<model>` bound to its bridge by
-- IEEE address or friendly name. `options` holds per-device settings (a bridge's base topic, the
-- press of an HS1EB that means SOS).

alter table devices add column bridge_id text references devices (id);
alter table devices add column ieee_address text;
alter table devices add column friendly_name text;
alter table devices add column options jsonb not null default '{}'::jsonb;
create index devices_bridge on devices (bridge_id);
-- One record per sensor of a bridge, whichever way it is named.
create unique index devices_bridge_ieee on devices (bridge_id, ieee_address) where ieee_address is not null;
create unique index devices_bridge_friendly on devices (bridge_id, friendly_name) where friendly_name is not null;
