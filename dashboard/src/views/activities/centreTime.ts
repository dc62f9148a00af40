/**
 * Event times are typed as the centre's wall clock (Asia/Shanghai, UTC+8 all year) whatever the
 * browser's zone: `YYYY-MM-DDTHH:mm` from a datetime-local field becomes an instant and back.
 */
const OFFSET_MS = 8 * 3_600_000;

/** `2026-06-01T09:30` (centre time) as an ISO instant. */
export function centreInstant(local: string): string {
  const seconds = local.length === 16 ? `${local}:00` : local;
  return new Date(`${seconds}+08:00`).toISOString();
}

/** An ISO instant as `YYYY-MM-DDTHH:mm` in centre time, for a datetime-local field. */
export function centreLocal(iso: string): string {
  return new Date(new Date(iso).getTime() + OFFSET_MS).toISOString().slice(0, 16);
}
