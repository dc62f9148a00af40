-- Service requests from anyone (6.12): staff log a request made by phone, in person, on a visit or
-- by the family, not only a press of the device's 求助 key; each is of a category, and is served by
-- a provider of the centre's register (name, services, contact, contract dates) or by staff.
create table service_providers (
  id uuid primary key,
  name text not null,
  services text[] not null default '{}',
  contact_person text not null default '',
  phone text not null default '',
  address text not null default '',
  contract_from date,
  contract_to date,
  notes text not null default '',
  retired_at timestamptz,
  updated_by uuid not null references users (id),
  updated_at timestamptz not null,
  check (contract_from is null or contract_to is null or contract_to >= contract_from)
);
create unique index service_providers_name on service_providers (name) where retired_at is null;

alter table service_requests add column channel text not null default 'device'
  check (channel in ('device', 'phone', 'walk_in', 'visit', 'family'));
alter table service_requests add column category text
  check (category in ('policy', 'legal', 'errand', 'repair', 'care', 'medical', 'transport', 'other'));
alter table service_requests add column description text not null default '';
alter table service_requests add column provider_id uuid references service_providers (id);
alter table service_requests add column logged_by uuid references users (id);
create index service_requests_provider on service_requests (provider_id, requested_at desc);
