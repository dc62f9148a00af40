/**
 * The server's refusal of a form, field by field. The living treatment, care and after-death
 * routes answer `{error, message}`: their own checks write `field: 中文说明`, and the schema
 * checks write `body/field must …`. This turns either into `{field: text}` for the form items, so
 * each message stands under its own field; what names no field stays a message for the dialog.
 */
import { type Ref, watch } from 'vue';
import { ApiError } from '../../api/http.ts';
import { currentLocale } from '../../modules/i18n.ts';

const words = {
  'zh-CN': {
    required: '必填',
    min: '不能小于 {n}',
    max: '不能大于 {n}',
    tooLong: '最多 {n} 个字',
    format: '格式不正确',
    integer: '须为整数',
    choice: '请从选项中选择',
    unknown: '不能填写此项',
  },
  en: {
    required: 'Required',
    min: 'Must be at least {n}',
    max: 'Must be at most {n}',
    tooLong: 'At most {n} characters',
    format: 'Wrong format',
    integer: 'Must be a whole number',
    choice: 'Pick one of the options',
    unknown: 'Not a field of this form',
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

export interface FormRefusal {
  /** Messages under their fields. */
  fields: Record<string, string>;
  /** The message when it names no field of the form (a conflict, a lost connection). */
  message: string | null;
}

/** Splits a refusal into per-field messages (for `fields` of this form) and a general message. */
export function refusalOf(error: unknown, fields: readonly string[]): FormRefusal {
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof ApiError) || error.status !== 400) return { fields: {}, message };
  const out: Record<string, string> = {};
  for (const part of message.split(/,\s*(?=body)/)) {
    let field: string | undefined;
    let text = part;
    const own = /^(\w+): (.+)$/s.exec(part);
    const schema = /^body\/(\w+) (.+)$/s.exec(part);
    const required = /^body must have required property '(\w+)'/.exec(part);
    const extra = /^body must NOT have additional properties/.exec(part);
    if (own) [, field, text] = own as unknown as [string, string, string];
    else if (schema) {
      field = schema[1];
      text = schemaText(schema[2] ?? '');
    } else if (required) {
      field = required[1];
      text = say('required');
    } else if (extra) text = say('unknown');
    if (field && fields.includes(field)) out[field] = text;
    else return { fields: out, message };
  }
  return { fields: out, message: Object.keys(out).length ? null : message };
}

/**
 * Clears a field's message as soon as the field is changed, so an old message never stands under
 * a corrected value. `names` maps a form key to the field name the messages use when they differ
 * (the amount typed in yuan is `monthlyAmountFen` on the wire).
 */
export function clearOnChange(
  form: Record<string, unknown>,
  errors: Ref<Record<string, string>>,
  names: Record<string, string> = {},
): void {
  for (const key of Object.keys(form)) {
    const field = names[key] ?? key;
    watch(
      () => form[key],
      () => {
        if (!(field in errors.value)) return;
        const { [field]: _gone, ...rest } = errors.value;
        errors.value = rest;
      },
    );
  }
}
