-- The alert queue reads the active alerts newest first. With a million closed alerts the planner
-- would walk the newest-first index of every alert looking for them; this one holds only the active.
create index alerts_active_opened on alerts (opened_at desc, id) where status in ('open', 'acknowledged', 'in_progress');
