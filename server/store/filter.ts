/**
 * The conditions of a list query and their parameters, built together so a placeholder always
 * matches its value: in a condition, `?` stands for the value it is added with (`$1`, `$2`… in
 * the order they are added; a condition may use its value more than once).
 *
 *   const filter = new Filter().inScope(scope, 'b.retiree_id')
 *     .id('b.retiree_id', query.retireeId, 'retiree')
 *     .when('b.kind = ?', query.kind);
 *   db.query(`${select} where ${filter.sql} limit ${filter.param(limit)}`, filter.params);
 */
import { uuidOr404 } from '../ids.ts';
import { inScope, type Scope } from './scope.ts';

export class Filter {
  readonly params: unknown[] = [];
  private readonly conditions: string[] = [];

  /** Adds `condition` with `value` for its `?`, when a value is given (not undefined, null or ''). */
  when(condition: string, value: unknown): this {
    if (value === undefined || value === null || value === '') return this;
    this.conditions.push(condition.replaceAll('?', this.param(value)));
    return this;
  }

  /**
   * Rows where `condition` (`?` for the pattern, e.g. `name ilike ?`) finds `text` as typed, when
   * some is typed: `%`, `_` and `\\` match themselves.
   */
  contains(condition: string, text: string | undefined): this {
    const typed = text?.trim();
    return this.when(condition, typed ? `%${typed.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined);
  }

  /** Rows whose `column` is the record `id` names, when one is named; 404 for an id that is no id. */
  id(column: string, id: string | undefined, what: string): this {
    return this.when(`${column} = ?`, id === undefined || id === '' ? undefined : uuidOr404(id, what));
  }

  /** Adds a condition without a value (nothing for false, null or undefined). */
  where(condition: string | false | null | undefined): this {
    if (condition) this.conditions.push(condition);
    return this;
  }

  /** `yes` when `flag` is true, `no` when it is false, nothing when it is not given. */
  either(flag: boolean | undefined, yes: string, no: string): this {
    return flag === undefined ? this : this.where(flag ? yes : no);
  }

  /** Rows of retirees in `scope` (`column` holds the retiree's id). */
  inScope(scope: Scope, column: string): this {
    this.conditions.push(inScope(scope, column, this.params));
    return this;
  }

  /** Rows about no retiree, or about one in `scope` (letters, complaints: not all name a retiree). */
  inScopeOrNone(scope: Scope, column: string): this {
    if (scope.station === null) return this;
    this.conditions.push(`(${column} is null or ${inScope(scope, column, this.params)})`);
    return this;
  }

  /** Adds a parameter (a limit, an offset) and answers its placeholder. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** The conditions joined with `and`; `true` when there are none. */
  get sql(): string {
    return this.conditions.length === 0 ? 'true' : this.conditions.join(' and ');
  }
}

/**
 * The `column = $n` assignments of an update, their values added to `params` after those already
 * there (e.g. `[id]` for `where id = $1`); a column whose value is undefined is left as it is,
 * while null sets it to null.
 */
export function assignments(params: unknown[], values: Record<string, unknown>): string[] {
  const sets: string[] = [];
  for (const [column, value] of Object.entries(values)) {
    if (value === undefined) continue;
    params.push(value);
    sets.push(`${column} = $${params.length}`);
  }
  return sets;
}
