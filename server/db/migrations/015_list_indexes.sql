-- The alert list and the figures read alerts newest first, across every status.
create index alerts_opened on alerts (opened_at desc, id);
