/**
 * Schema checks for device payloads. Each schema is compiled once (on first use) and the first
 * error is turned into one short line, `<path> <what is wrong>`, fit for a log line and a
 * rejection reason.
 */
import type { TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler, type ValueError, ValueErrorType } from '@sinclair/typebox/compiler';

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

/** The compiled checker of a schema, compiled on first use and kept while the schema lives. */
export function checkerFor(schema: TSchema): TypeCheck<TSchema> {
  let checker = compiled.get(schema);
  if (!checker) {
    checker = TypeCompiler.Compile(schema);
    compiled.set(schema, checker);
  }
  return checker;
}

/** Longest detail we put in a reason, so a hostile key cannot flood the log. */
const MAX_DETAIL_LENGTH = 160;

export function truncate(text: string, length = MAX_DETAIL_LENGTH): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

function listOfLiterals(schema: TSchema): string | undefined {
  const members: unknown = schema.anyOf;
  if (!Array.isArray(members)) return undefined;
  const values = members.map((member: TSchema) => member.const);
  if (values.some((value) => value === undefined)) return undefined;
  return values.map((value) => JSON.stringify(value)).join(', ');
}

function problem(error: ValueError): string {
  const schema = error.schema;
  switch (error.type) {
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.IntegerMaximum:
      return `must be <= ${schema.maximum}`;
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMinimum:
      return `must be >= ${schema.minimum}`;
    case ValueErrorType.NumberExclusiveMaximum:
    case ValueErrorType.IntegerExclusiveMaximum:
      return `must be < ${schema.exclusiveMaximum}`;
    case ValueErrorType.NumberExclusiveMinimum:
    case ValueErrorType.IntegerExclusiveMinimum:
      return `must be > ${schema.exclusiveMinimum}`;
    case ValueErrorType.Integer:
      return 'must be an integer';
    case ValueErrorType.Number:
      return 'must be a finite number';
    case ValueErrorType.Boolean:
      return 'must be a boolean';
    case ValueErrorType.String:
      return 'must be a string';
    case ValueErrorType.StringMinLength:
      return `must have at least ${schema.minLength} characters`;
    case ValueErrorType.StringMaxLength:
      return `must have at most ${schema.maxLength} characters`;
    case ValueErrorType.Literal:
      return `must be ${JSON.stringify(schema.const)}`;
    case ValueErrorType.Union: {
      const literals = listOfLiterals(schema);
      return literals ? `must be one of ${literals}` : 'matches none of the allowed shapes';
    }
    case ValueErrorType.Object:
      return 'must be a JSON object';
    case ValueErrorType.ObjectRequiredProperty:
      return 'is required';
    case ValueErrorType.ObjectAdditionalProperties:
      return 'is not a known key';
    case ValueErrorType.Never:
      return 'is not allowed';
    default:
      return error.message;
  }
}

/** One line for one error: the JSON pointer (`/` for the whole payload) and the problem. */
export function describeError(error: ValueError): string {
  const path = error.path === '' ? '/' : truncate(error.path, 80);
  return `${path} ${problem(error)}`;
}

/** `undefined` when the value fits the schema, else a description of its first error. */
export function firstError(schema: TSchema, value: unknown): string | undefined {
  const checker = checkerFor(schema);
  if (checker.Check(value)) return undefined;
  const error = checker.Errors(value).First();
  return error ? describeError(error) : '/ does not match the schema';
}
