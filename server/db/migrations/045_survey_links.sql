-- Satisfaction surveys answered by retirees and families themselves (7.1.1) on a phone page reached
-- through a link: the centre chooses per survey whether responses keep a name (anonymous surveys
-- keep none) and which service areas it asks about. A link is for one retiree, answered by the
-- retiree or by one family account for the retiree; its token is derived from its id under the hub's
-- key, so nothing secret is stored. Which link answered which area is kept apart from the responses,
-- without a time, so an anonymous response cannot be traced back to its link.
alter table surveys add column anonymous boolean not null default false;
alter table surveys add column service_areas text[] not null
  default '{medical,culture_sports,visits,monitoring,living,political,other}';

alter table survey_responses add column source text not null default 'staff'
  check (source in ('staff', 'retiree', 'family'));

-- One answer per retiree, survey and area, whether entered by staff or given on the phone page;
-- family members answer beside it, each once through their own link.
drop index survey_responses_one_per_retiree;
create unique index survey_responses_one_per_retiree on survey_responses (survey_id, service_area, retiree_id)
  where retiree_id is not null and source <> 'family';

create table survey_links (
  id uuid primary key,
  survey_id uuid not null references surveys (id),
  retiree_id uuid not null references retirees (id),
  respondent text not null check (respondent in ('retiree', 'family')),
  family_user_id uuid references users (id),
  issued_by uuid references users (id),
  issued_at timestamptz not null,
  revoked_at timestamptz,
  check ((respondent = 'family') = (family_user_id is not null))
);
create unique index survey_links_one_per_retiree on survey_links (survey_id, retiree_id)
  where respondent = 'retiree' and revoked_at is null;
create unique index survey_links_one_per_family on survey_links (survey_id, family_user_id)
  where family_user_id is not null and revoked_at is null;
create index survey_links_survey on survey_links (survey_id, issued_at);

create table survey_link_answers (
  link_id uuid not null references survey_links (id),
  service_area text not null check (service_area in ('medical', 'culture_sports', 'visits', 'monitoring', 'living', 'political', 'other')),
  primary key (link_id, service_area)
);
