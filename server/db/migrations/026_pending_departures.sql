-- A departure from a safe zone is stored with the zone's state before its `wander` alert is
-- proposed. Until the alert workflow has taken it, the departure is pending: the next fix outside,
-- or the hub's next start, proposes it again, so a failure or a crash between the two loses nothing.
alter table safe_zones add column departure_pending boolean not null default false;
