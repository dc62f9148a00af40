-- Escalation that reaches a phone: staff keep their own channels (SMS, voice, DingTalk, WeCom,
-- Feishu, e-mail, webhook) with quiet hours for non-critical alerts; the centre's role channels (a
-- supervisors' DingTalk group) take the new kinds too. The ladder's steps name audiences resolved at
-- the moment of escalation (on_duty, supervisor, manager, family), named staff, the channel kinds and
-- severities they apply to, and a reminder interval. Each message to a staff member carries a link
-- to act on that alert from the phone; each action of a link is used once.

alter table notification_channels drop constraint notification_channels_audience_check;
alter table notification_channels drop constraint notification_channels_kind_check;
alter table notification_channels drop constraint notification_channels_check;
alter table notification_channels add column user_id uuid references users (id);
-- Quiet hours in the centre's local time, minutes after midnight; a span may cross midnight.
-- Critical alerts are sent in them all the same.
alter table notification_channels add column quiet_from smallint check (quiet_from between 0 and 1439);
alter table notification_channels add column quiet_to smallint check (quiet_to between 0 and 1439);
alter table notification_channels add constraint notification_channels_audience_check
  check (audience in ('family', 'staff', 'on_duty', 'supervisor', 'manager'));
alter table notification_channels add constraint notification_channels_kind_check
  check (kind in ('email', 'webhook', 'dingtalk', 'wecom', 'feishu', 'sms', 'voice'));
alter table notification_channels add constraint notification_channels_owner_check
  check ((audience = 'family') = (contact_id is not null) and (audience = 'staff') = (user_id is not null));
alter table notification_channels add constraint notification_channels_quiet_check
  check ((quiet_from is null) = (quiet_to is null));
create index notification_channels_user on notification_channels (user_id);

-- Who a delivery reached (a staff member's name, or the family contact's), and what the provider
-- said it cost.
alter table notification_deliveries add column cost text;
alter table notification_deliveries add column provider text;

alter table escalation_ladder add column users uuid[] not null default '{}';
alter table escalation_ladder add column channels text[];
alter table escalation_ladder add column severities text[];
alter table escalation_ladder add column repeat_minutes integer check (repeat_minutes between 1 and 1440);

-- Reminders sent at the alert's current level: the next is due at the level's time plus
-- (reminders + 1) × its interval. Updated conditionally, so two instances never send one twice.
alter table alerts add column escalation_reminders integer not null default 0;

-- The SMS and voice providers of the centre, their credentials sealed with the hub's key. SMS goes
-- to the first enabled provider by priority, then to the next when it refuses or does not answer.
create table notify_providers (
  kind text primary key check (kind in ('sms_aliyun', 'sms_tencent', 'voice_aliyun', 'voice_tencent')),
  config text not null,
  priority integer not null default 1,
  enabled boolean not null default true,
  updated_at timestamptz not null,
  updated_by uuid references users (id)
);

-- A link in a message to one staff member about one alert. The token is the id and an HMAC of it
-- under the hub's key; it opens nothing once the alert is resolved or cancelled.
create table alert_links (
  id uuid primary key,
  alert_id uuid not null references alerts (id) on delete cascade,
  user_id uuid not null references users (id),
  channel_id uuid references notification_channels (id),
  created_at timestamptz not null
);
create index alert_links_alert on alert_links (alert_id);

create table alert_link_uses (
  link_id uuid not null references alert_links (id) on delete cascade,
  action text not null,
  used_at timestamptz not null,
  primary key (link_id, action)
);
