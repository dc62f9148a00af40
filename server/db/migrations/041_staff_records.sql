-- Staff (5.2.2, 5.2.3, 6.11.2.2): each member of staff's qualification certificates, with the day
-- each expires (a renewal replaces the number and the days in place and is audited), and the
-- training sessions held, with who attended; data-protection training is one kind of session.
create table staff_qualifications (
  id uuid primary key,
  user_id uuid not null references users (id),
  kind text not null check (kind in ('social_worker', 'nurse', 'doctor', 'care_worker', 'first_aid',
    'psychological', 'dietitian', 'electrician', 'fire_safety', 'other')),
  name text not null,
  number text not null default '',
  issuer text not null default '',
  issued_on date,
  expires_on date,
  notes text not null default '',
  recorded_by uuid not null references users (id),
  recorded_at timestamptz not null,
  updated_at timestamptz not null,
  check (expires_on is null or issued_on is null or expires_on > issued_on)
);
create index staff_qualifications_user on staff_qualifications (user_id, kind);
create index staff_qualifications_expiry on staff_qualifications (expires_on) where expires_on is not null;

create table staff_trainings (
  id uuid primary key,
  kind text not null check (kind in ('data_protection', 'information', 'skills', 'conduct', 'safety', 'other')),
  topic text not null,
  held_on date not null,
  hours numeric(5, 1) not null check (hours > 0 and hours <= 200),
  trainer text not null default '',
  place text not null default '',
  notes text not null default '',
  recorded_by uuid not null references users (id),
  recorded_at timestamptz not null
);
create index staff_trainings_held on staff_trainings (held_on desc, id);

create table staff_training_attendance (
  training_id uuid not null references staff_trainings (id),
  user_id uuid not null references users (id),
  primary key (training_id, user_id)
);
create index staff_training_attendance_user on staff_training_attendance (user_id);
