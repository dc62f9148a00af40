/**
 * What the tests of the services and their rules share: the centre's clock (Asia/Shanghai, UTC+8,
 * no daylight saving) and the way a refused call is read.
 */
import type { HubError } from '../../server/errors.ts';

/** The instant of a wall-clock time in Beijing, e.g. `beijing('2026-01-31T10:00:00')`. */
export const beijing = (local: string): Date => new Date(`${local}+08:00`);

/** A clock that always reads the instant `iso`, for a service built with a fixed now. */
export const at = (iso: string) => (): Date => new Date(iso);

/** The HTTP status and message a call fails with; throws when it does not fail. */
export async function failure(promise: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    const hubError = error as HubError;
    return { status: hubError.statusCode, message: hubError.message };
  }
  throw new Error('expected the call to fail');
}
