/**
 * The work list is built from small providers, one per area (visit tasks, follow-ups, health
 * checks, contact with retirees abroad…). A provider answers for one day and one viewer; the list
 * merges them. To add a source: implement `WorkListProvider` in your area and add it from the
 * area's plugin (`addWorkListProviders` in ./registry.ts), and name the source in ./export.ts.
 *
 * An item is either one person's (a visit task's caseworker, a service request's handler) and on
 * that person's list, or the station's (a health check due, a button overdue its test press, an
 * approval waiting on a role) and on the list of everyone whose role does that work, each seeing
 * the retirees of their station (./routes.ts).
 */
import { type Access, mayAccess } from '../access/policy.ts';
import type { Queryable } from '../db/database.ts';
import type { Role } from '../schemas/auth.ts';
import type { WorkItem } from '../schemas/worklist.ts';
import { Deadlines } from '../settings/deadlines.ts';

export interface WorkListScope {
  /** The day asked for, YYYY-MM-DD in centre time. */
  date: string;
  /** Only items this user owns; null: everyone's. */
  ownerId: string | null;
  /** The viewer's role, for the station's work (absent: only owned items are listed). */
  role?: Role | null;
}

/** Whether the station's work that `access` allows is on this list: everyone's, or a viewer's role that does it. */
export function doesWork(scope: WorkListScope, access: Access): boolean {
  return scope.ownerId === null || mayAccess(access, scope.role);
}

export interface WorkListProvider {
  /** The `source` written on each of its items. */
  readonly source: string;
  /** Items due on `scope.date` (or open by then) and items overdue on it. */
  items(scope: WorkListScope): Promise<WorkItem[]>;
}

/** Overdue first (oldest first), then due that day, then by title. */
export function compareItems(a: WorkItem, b: WorkItem): number {
  if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
  if (a.dueDate !== b.dueDate) return a.dueDate < b.dueDate ? -1 : 1;
  return a.title.localeCompare(b.title, 'zh-CN') || a.id.localeCompare(b.id);
}

export async function buildWorkList(
  providers: WorkListProvider[],
  scope: WorkListScope,
): Promise<WorkItem[]> {
  const lists = await Promise.all(providers.map((provider) => provider.items(scope)));
  return lists.flat().sort(compareItems);
}

/** An item due on its `dueDate`: overdue once the day asked for is past it. */
export function dueItem(scope: WorkListScope, item: Omit<WorkItem, 'overdue'>): WorkItem {
  return { ...item, overdue: item.dueDate < scope.date };
}

/**
 * A provider of several kinds of work whose dates are reckoned in code (calendar months, plans,
 * chains of steps) rather than in SQL: a subclass lists the parts for the day and viewer asked for,
 * each a promise of its items, and reads its deadlines from `deadlines`.
 */
export abstract class PartsProvider implements WorkListProvider {
  abstract readonly source: string;
  protected readonly deadlines: Deadlines;

  constructor(protected readonly db: Queryable) {
    this.deadlines = new Deadlines(db);
  }

  protected abstract parts(scope: WorkListScope): Promise<WorkItem[]>[];

  async items(scope: WorkListScope): Promise<WorkItem[]> {
    return (await Promise.all(this.parts(scope))).flat();
  }
}

/** A row as a query provider selects it: the item's id, its title or what makes it, its retiree, its due day. */
export interface DueRow {
  id: string;
  due_on: string;
  title?: string;
  retiree_id?: string | null;
  retiree_name?: string | null;
}

/**
 * A provider that is one query: a subclass says its `source`, its SQL and parameters for the day and
 * owner asked for, and, where the row does not hold it, how a row makes its title. An item is overdue
 * when its due day is before the day asked for, unless the subclass says otherwise.
 */
export abstract class QueryProvider<Row extends DueRow> implements WorkListProvider {
  abstract readonly source: string;
  /** The centre's deadlines, for a query whose window or due date is one of them. */
  protected readonly deadlines: Deadlines;

  constructor(protected readonly db: Queryable) {
    this.deadlines = new Deadlines(db);
  }

  protected abstract query(
    scope: WorkListScope,
  ): { sql: string; params: unknown[] } | Promise<{ sql: string; params: unknown[] }>;

  protected title(row: Row): string {
    return row.title ?? '';
  }

  protected overdue(row: Row, scope: WorkListScope): boolean {
    return row.due_on < scope.date;
  }

  protected sourceOf(_row: Row): string {
    return this.source;
  }

  async items(scope: WorkListScope): Promise<WorkItem[]> {
    const { sql, params } = await this.query(scope);
    const rows = await this.db.query<Row>(sql, params);
    return rows.map((row) => ({
      source: this.sourceOf(row),
      id: row.id,
      title: this.title(row),
      retireeId: row.retiree_id ?? null,
      retireeName: row.retiree_name ?? null,
      dueDate: row.due_on,
      overdue: this.overdue(row, scope),
    }));
  }
}
