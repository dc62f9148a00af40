/** Errors with an HTTP status and a stable code; the error handler turns them into `{error, message}`. */
export class HubError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HubError';
  }
}

export const notFound = (what: string) => new HubError(404, 'not_found', `${what} not found`);
export const conflict = (message: string) => new HubError(409, 'conflict', message);
export const badRequest = (message: string) => new HubError(400, 'bad_request', message);
export const unauthorized = (message = 'sign in first') => new HubError(401, 'unauthorized', message);
export const forbidden = (message = 'not allowed for your role') => new HubError(403, 'forbidden', message);
