-- The member of staff in charge of a service request (6.12): set when it is assigned, the work
-- list's owner of it until it is done or cancelled.
alter table service_requests add column handler_id uuid references users (id);
create index service_requests_handler on service_requests (handler_id, status) where status = 'assigned';
