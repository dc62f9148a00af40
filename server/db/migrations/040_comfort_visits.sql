-- A visit to comfort a retiree after an incident (5.1.7): raised when a genuine alert is resolved,
-- one per alert (server/visits/comfort.ts).
alter table visit_tasks drop constraint visit_tasks_reason_check;
alter table visit_tasks add constraint visit_tasks_reason_check
  check (reason in ('spring_festival', 'army_day', 'national_day', 'hospital', 'focus', 'comfort', 'other'));
alter table visit_tasks add column alert_id uuid references alerts (id);
create unique index visit_tasks_alert on visit_tasks (alert_id) where alert_id is not null;
