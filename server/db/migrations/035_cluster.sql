-- Several hub instances on one database (server/cluster/instances.ts): an instance says whether it
-- shares what instances must share (its devices on an external broker, and Redis), and a device
-- linked to one instance (a watch's TCP connection, the embedded broker's MQTT connection) names
-- it, so that another instance starting, or a connection closing late on an instance the device
-- has left, does not mark it offline.
alter table hub_instances add column redis boolean not null default false;
-- A fingerprint of the instance's secret key (HUB_SECRET_KEY): instances that run together must
-- share it, or each would fail to read what another sealed (TOTP secrets, watch codes).
alter table hub_instances add column key_check text not null default '';
alter table devices add column linked_to uuid;
