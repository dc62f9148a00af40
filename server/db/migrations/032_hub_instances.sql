-- The hub instances using this database, each heard from every few seconds (server/cluster/instances.ts):
-- a second instance is refused at start while another is live, since the devices connect to each
-- instance's own broker and the jobs that must run once would run twice.
create table hub_instances (
  id uuid primary key,
  host text not null,
  pid integer not null check (pid > 0),
  -- How its devices reach it: 'embedded', the hub's own broker and listeners.
  broker text not null,
  started_at timestamptz not null default now(),
  seen_at timestamptz not null default now()
);
