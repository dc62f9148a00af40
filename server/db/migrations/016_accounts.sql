-- Accounts and sessions (issue 5): TOTP second factor (secret encrypted with the hub's key, never
-- returned by the API), when the password last changed, when an account was disabled; sessions
-- remember when they were last used (idle timeout) and what they are for (a sign-in session, or a
-- short-lived token that only lets an admin enrol TOTP before the first session).

alter table users add column totp_secret text;
alter table users add column totp_pending_secret text;
alter table users add column totp_enabled_at timestamptz;
alter table users add column totp_last_step bigint;
alter table users add column password_changed_at timestamptz;
alter table users add column disabled_at timestamptz;

alter table sessions add column last_seen_at timestamptz not null default now();
alter table sessions add column kind text not null default 'session';
alter table sessions add constraint sessions_kind_check check (kind in ('session', 'totp_enrolment'));
