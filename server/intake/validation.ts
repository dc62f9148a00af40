/**
 * Schema (TypeBox/ajv) refusals of the intake routes as the per-field answer the rest of intake gives:
 * `{field, message}` in Chinese, so a form can put each message beside its field.
 */
import type { FieldError } from '../archive/fields.ts';

export interface SchemaIssue {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string | undefined;
}

function fieldOf(issue: SchemaIssue): string {
  const path = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (issue.keyword === 'required') {
    const missing = String(issue.params.missingProperty ?? '');
    return path ? `${path}.${missing}` : missing;
  }
  if (issue.keyword === 'additionalProperties') {
    const extra = String(issue.params.additionalProperty ?? '');
    return path ? `${path}.${extra}` : extra;
  }
  return path || 'body';
}

function messageOf(issue: SchemaIssue): string {
  const limit = issue.params.limit;
  switch (issue.keyword) {
    case 'required':
      return '必须填写';
    case 'additionalProperties':
      return '不认识的字段';
    case 'pattern':
    case 'format':
      return '格式不对（日期写作 YYYY-MM-DD）';
    case 'minLength':
      return limit === 1 ? '不能为空' : `至少${limit}个字`;
    case 'maxLength':
      return `不能超过${limit}个字`;
    case 'maxItems':
      return `最多${limit}项`;
    case 'minimum':
      return `不能小于${limit}`;
    case 'maximum':
      return `不能大于${limit}`;
    case 'type':
      return '类型不对';
    case 'const':
    case 'enum':
    case 'anyOf':
      return '取值不在允许的范围内';
    default:
      return issue.message ?? '不符合要求';
  }
}

/** One problem per field, in the order found; a union's branches count once. */
export function schemaFieldErrors(issues: readonly SchemaIssue[]): FieldError[] {
  const byField = new Map<string, string>();
  for (const issue of issues) {
    const field = fieldOf(issue);
    if (!byField.has(field) || issue.keyword === 'anyOf') byField.set(field, messageOf(issue));
  }
  return [...byField].map(([field, message]) => ({ field, message }));
}
