/**
 * Passwords are hashed with argon2id (slow on purpose: people choose guessable passwords), with
 * the parameters set here rather than left to the library's defaults, so that a library upgrade
 * never weakens them silently; a hash made with weaker ones is upgraded at the next sign-in.
 * Device secrets and session tokens are 256-bit random values: SHA-256 is enough to store them,
 * and keeps a reconnect storm of thousands of devices from costing seconds of CPU each.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import argon2 from 'argon2';

/** OWASP's argon2id floor: 19 MiB of memory, two passes, one lane. */
export const PASSWORD_HASH_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, PASSWORD_HASH_OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/**
 * True when the hash was made with another algorithm or weaker parameters than ours. A hash made
 * with stronger ones (the library's older defaults, m=65536 t=3 p=4) is kept: never downgrade.
 */
export function passwordNeedsRehash(hash: string): boolean {
  const match = /^\$argon2id\$v=(\d+)\$([a-z]=\d+(?:,[a-z]=\d+)*)\$/.exec(hash);
  if (!match) return true;
  const params = new Map(
    (match[2] ?? '').split(',').map((pair) => [pair.slice(0, 1), Number(pair.slice(2))] as const),
  );
  return (
    Number(match[1]) < 0x13 ||
    (params.get('m') ?? 0) < PASSWORD_HASH_OPTIONS.memoryCost ||
    (params.get('t') ?? 0) < PASSWORD_HASH_OPTIONS.timeCost ||
    (params.get('p') ?? 0) < PASSWORD_HASH_OPTIONS.parallelism
  );
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function tokenMatches(token: string, expectedHash: string): boolean {
  const actual = Buffer.from(hashToken(token), 'hex');
  const expected = Buffer.from(expectedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A password a person can type from a printout: no look-alike characters. */
export function generatePassword(length = 16): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(length);
  let password = '';
  for (const byte of bytes) password += alphabet[byte % alphabet.length];
  return password;
}
