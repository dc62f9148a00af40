/** A failed call as one line for a message box, in the user's language. */
import { ApiError } from '../api/http.ts';
import { i18n } from '../modules/i18n.ts';

export function errorText(error: unknown): string {
  const { t } = i18n.global;
  if (error instanceof ApiError && error.status === 0) return t('errors.network');
  const message = error instanceof Error ? error.message : String(error);
  return t('errors.generic', { message });
}
