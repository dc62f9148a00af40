-- Voice notes a watch recorded (the 3G `TK` key: the retiree speaking to the centre), kept with the
-- alert open for the device when it came, for staff to play back. The audio (a few seconds of AMR,
-- bounded by HUB_WATCH_MAX_FRAME_BYTES) lives in the row, so a person's export, erasure and
-- retention take it with the rest of their records.
create table voice_notes (
  id uuid primary key,
  device_id text not null references devices (id) on delete cascade,
  retiree_id uuid references retirees (id),
  alert_id uuid references alerts (id),
  -- SHA-256 of the audio: a watch repeats an unanswered note, and the repeat is the same note.
  sha256 text not null,
  format text not null,
  audio bytea not null,
  size_bytes integer not null,
  received_at timestamptz not null,
  unique (device_id, sha256)
);
create index voice_notes_alert on voice_notes (alert_id, received_at);
create index voice_notes_device on voice_notes (device_id, received_at desc);
