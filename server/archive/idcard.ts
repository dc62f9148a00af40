/**
 * Resident identity card numbers (居民身份证号码, GB 11643-1999): 6 digits of the address code,
 * 8 of the birth date (YYYYMMDD), 3 of the order (odd for men), and a check character computed with
 * ISO 7064 MOD 11-2 over the first 17 digits ('X' stands for 10).
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** The check character for the first 17 digits. */
export function idCardCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error('17 digits expected');
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return CHECK[sum % 11] ?? '';
}

/** The number in its stored form: trimmed, with an upper-case X. */
export function normaliseIdCard(value: string): string {
  return value.trim().toUpperCase();
}

export type IdCardProblem = 'format' | 'birth_date' | 'checksum';

/** null when the number is valid, else what is wrong with it. */
export function idCardProblem(value: string): IdCardProblem | null {
  const id = normaliseIdCard(value);
  if (!/^\d{17}[\dX]$/.test(id)) return 'format';
  if (!idCardBirthDate(id)) return 'birth_date';
  if (idCardCheckChar(id.slice(0, 17)) !== id[17]) return 'checksum';
  return null;
}

/** The birth date (YYYY-MM-DD) an 18-character number carries, or null when it is no calendar date. */
export function idCardBirthDate(id: string): string | null {
  const digits = id.slice(6, 14);
  if (!/^\d{8}$/.test(digits)) return null;
  const date = `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`;
  return isCalendarDate(date) ? date : null;
}

export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const time = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(time) && new Date(time).toISOString().slice(0, 10) === value;
}
