-- Emergency management (5.1.7): a plan per kind of emergency, with who does what (duties in order),
-- one in force per kind (a replaced one is kept, retired); drills that rehearse a plan, with the
-- staff who took part and what they found; an improvement action may name the drill it came from (7.2).
create table emergency_plans (
  id uuid primary key,
  kind text not null check (kind in ('fire', 'fall', 'medical', 'wandering', 'outage', 'public_health', 'disaster', 'other')),
  title text not null,
  summary text not null default '',
  duties jsonb not null,
  contacts text not null default '',
  effective_on date not null,
  review_on date not null,
  retired_at timestamptz,
  updated_by uuid not null references users (id),
  updated_at timestamptz not null
);
create unique index emergency_plans_current on emergency_plans (kind) where retired_at is null;

create table emergency_drills (
  id uuid primary key,
  plan_id uuid references emergency_plans (id),
  kind text not null check (kind in ('fire', 'fall', 'medical', 'wandering', 'outage', 'public_health', 'disaster', 'other')),
  held_on date not null,
  scenario text not null,
  place text not null default '',
  others text not null default '',
  findings text not null default '',
  recorded_by uuid not null references users (id),
  recorded_at timestamptz not null
);
create index emergency_drills_held on emergency_drills (held_on desc, id);
create index emergency_drills_plan on emergency_drills (plan_id, held_on desc);

create table emergency_drill_participants (
  drill_id uuid not null references emergency_drills (id),
  user_id uuid not null references users (id),
  primary key (drill_id, user_id)
);

alter table improvement_actions add column drill_id uuid references emergency_drills (id);
alter table improvement_actions drop constraint improvement_actions_finding_kind_check;
alter table improvement_actions add constraint improvement_actions_finding_kind_check
  check (finding_kind in ('complaint', 'survey', 'text', 'drill'));
alter table improvement_actions add constraint improvement_actions_drill_check
  check ((finding_kind = 'drill') = (drill_id is not null));
create index improvement_actions_drill on improvement_actions (drill_id);
