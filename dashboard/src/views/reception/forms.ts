/**
 * Small helpers shared by the service-records pages of political life and reception, evaluation,
 * abroad and medical care: the per-field error of a refused form, and an Excel download.
 */
import { watch } from 'vue';
import { ApiError } from '../../api/http.ts';
import { errorText } from '../../composables/alertActions.ts';

/**
 * The field a refusal names, found in the server's message: `field: 说明` or `field：说明`
 * (reception, evaluation), `说明（field）` (abroad, medical), or the schema validator's
 * `body/field …` and `must have required property 'field'`. Nested names (`finding.text`,
 * `entries[0].retireeId`) match by their last and first segment too.
 */
export function fieldOf(message: string, fields: readonly string[]): string | null {
  const candidates: string[] = [];
  const leading = /^([A-Za-z][\w.[\]]*)\s*[:：]/.exec(message)?.[1];
  if (leading) candidates.push(leading);
  for (const match of message.matchAll(/[（(]([A-Za-z][\w.]*)[）)]/g)) candidates.push(match[1] as string);
  const path = /body\/([\w/]+)/.exec(message)?.[1];
  if (path) candidates.push(path.replace(/\//g, '.'));
  const required = /required property '([\w]+)'/.exec(message)?.[1];
  if (required) candidates.push(required);
  for (const candidate of candidates) {
    const parts = candidate.replace(/\[\d+\]/g, '').split('.');
    for (const name of [candidate, parts[parts.length - 1], parts[0]]) {
      if (name && fields.includes(name)) return name;
    }
  }
  return null;
}

/** The message to show under a field: the server's words without the leading field name. */
function fieldMessage(message: string): string {
  const stripped = message.replace(/^[A-Za-z][\w.[\]]*\s*[:：]\s*/, '').trim();
  if (/must have required property/.test(stripped)) return '必填 (required)';
  return stripped.replace(/^body\/[\w/]+\s*/, '') || message;
}

/**
 * Puts a refusal under its field when the message names one of `fields` (returns true); otherwise
 * leaves it to the caller (returns false), which shows it as a message.
 */
export function showFieldError(
  error: unknown,
  fields: readonly string[],
  errors: Record<string, string>,
): boolean {
  if (!(error instanceof ApiError) || error.status !== 400) return false;
  const field = fieldOf(error.message, fields);
  if (!field) return false;
  errors[field] = fieldMessage(error.message);
  return true;
}

/** Empties a field-error record in place (it is usually reactive). */
export function clearErrors(errors: Record<string, string>): void {
  for (const key of Object.keys(errors)) delete errors[key];
}

/** Clears a field's error as soon as the user changes that field (call in a component's setup). */
export function clearOnEdit(form: object, errors: Record<string, string>): void {
  watch(
    () => ({ ...form }) as Record<string, unknown>,
    (now, before) => {
      for (const key of Object.keys(now)) if (now[key] !== before[key]) delete errors[key];
    },
  );
}

export { errorText };
