/**
 * The messages under the fields of a form, and the server's refusal of a form put under them.
 *
 * The service-records routes answer a refused form with `{error, message}` (status 400) in one of
 * these shapes: their own checks write `field: 中文说明` (or with `：`) or `说明（field）`, and the
 * schema checks write `body/field must …` or `body must have required property 'field'`, several
 * joined by commas. Each part that names a field of the form stands under that field, schema
 * words in the user's language; when a part names no field of the form, the whole message is for
 * the dialog to show.
 */
import { reactive, watch } from 'vue';
import { ApiError } from '../api/http.ts';
import { currentLocale } from '../modules/i18n.ts';

/** Messages under the fields of one form, by field name (reactive; changed in place). */
export type FieldErrors = Record<string, string>;

const words = {
  'zh-CN': {
    required: '必填',
    min: '不能小于 {n}',
    max: '不能大于 {n}',
    tooLong: '最多 {n} 个字',
    format: '格式不正确',
    integer: '须为整数',
    choice: '请从选项中选择',
  },
  en: {
    required: 'Required',
    min: 'Must be at least {n}',
    max: 'Must be at most {n}',
    tooLong: 'At most {n} characters',
    format: 'Wrong format',
    integer: 'Must be a whole number',
    choice: 'Pick one of the options',
  },
};

function say(key: keyof (typeof words)['zh-CN'], n?: string): string {
  return words[currentLocale.value][key].replace('{n}', n ?? '');
}

/** One schema message (ajv's English) in the user's language. */
function schemaText(rest: string): string {
  let found = /must be >= (\S+)/.exec(rest);
  if (found) return say('min', found[1]);
  found = /must be <= (\S+)/.exec(rest);
  if (found) return say('max', found[1]);
  found = /must NOT have more than (\d+)/.exec(rest);
  if (found) return say('tooLong', found[1]);
  if (/must NOT have fewer than/.test(rest)) return say('required');
  if (/must match pattern|must match format/.test(rest)) return say('format');
  if (/must be integer/.test(rest)) return say('integer');
  if (/allowed values|must match a schema in anyOf|must be equal to constant/.test(rest))
    return say('choice');
  return rest;
}

/**
 * The field of `fields` one refusal names, or null. Nested names (`finding.text`,
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

/** The words to show under the field: without the leading field name, schema words translated. */
function fieldText(part: string): string {
  if (/must have required property/.test(part)) return say('required');
  const schema = /^body\/[\w/]+ (.+)$/s.exec(part);
  if (schema) return schemaText(schema[1] as string);
  return part.replace(/^[A-Za-z][\w.[\]]*\s*[:：]\s*/, '').trim() || part;
}

export interface FormRefusal {
  /** Messages under their fields. */
  fields: FieldErrors;
  /** The message when some of it names no field of the form (a conflict, a lost connection). */
  message: string | null;
}

/** Splits a refusal into per-field messages (for `fields` of this form) and a general message. */
export function refusalOf(error: unknown, fields: readonly string[]): FormRefusal {
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof ApiError) || error.status !== 400) return { fields: {}, message };
  const found: FieldErrors = {};
  for (const part of message.split(/,\s*(?=body)/)) {
    const field = fieldOf(part, fields);
    if (!field) return { fields: found, message };
    found[field] = fieldText(part);
  }
  return { fields: found, message: Object.keys(found).length ? null : message };
}

/** Replaces the messages of a form with `found`. */
export function setErrors(errors: FieldErrors, found: FieldErrors = {}): void {
  for (const key of Object.keys(errors)) delete errors[key];
  Object.assign(errors, found);
}

/** Empties the messages of a form. */
export const clearErrors = (errors: FieldErrors): void => setErrors(errors);

/** Puts a refusal under the fields of a form; the refusal's `message` is what is left to show. */
export function placeRefusal(error: unknown, fields: readonly string[], errors: FieldErrors): FormRefusal {
  const refusal = refusalOf(error, fields);
  setErrors(errors, refusal.fields);
  return refusal;
}

/**
 * The messages of a form, each cleared as soon as its field is changed so an old message never
 * stands under a corrected value. `names` maps a form key to the field name the messages use when
 * they differ (the amount typed in yuan is `monthlyAmountFen` on the wire).
 */
export function useFieldErrors(form?: object, names: Record<string, string> = {}): FieldErrors {
  const errors = reactive<FieldErrors>({});
  if (!form) return errors;
  const values = form as Record<string, unknown>;
  for (const key of Object.keys(values)) {
    const field = names[key] ?? key;
    watch(
      () => values[key],
      () => {
        delete errors[field];
      },
    );
  }
  return errors;
}
