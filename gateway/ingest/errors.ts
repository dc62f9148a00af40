/**
 * A store refused a batch because of what is in it (malformed line, field type conflict), not because
 * it was unreachable. Writing the same batch again can never succeed, so the writer drops and counts
 * it instead of spooling it for a replay that would fail forever.
 */
export class RejectedWriteError extends Error {
  readonly status: number;

  constructor(message: string, status: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RejectedWriteError';
    this.status = status;
  }
}
