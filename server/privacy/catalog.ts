/**
 * What the records hold, read from the database's own catalog rather than from a list kept by hand:
 * the tables, their columns, and the foreign keys between them. A module added later with a
 * `retiree_id` column (or a table hanging off one by a foreign key) is exported, deleted and kept to
 * its retention without a change here (PIPL art. 45, 47; 6.11.2.2).
 */
import type { Queryable } from '../db/database.ts';

/** Tables that outlive a person's deletion: the audit log (kept by law) and this module's own records. */
export const KEPT_TABLES: ReadonlySet<string> = new Set([
  'audit_log',
  'privacy_receipts',
  'privacy_tombstones',
  'schema_migrations',
]);

export interface Column {
  name: string;
  nullable: boolean;
}

export interface ForeignKey {
  name: string;
  child: string;
  childColumns: string[];
  parent: string;
  parentColumns: string[];
  /**
   * The reference can be cut (set to null) instead of the row deleted: every child column may be
   * null and no CHECK constraint of the child names one of them (a family channel must name its
   * contact, so it goes with the contact).
   */
  nullable: boolean;
}

export interface Catalog {
  tables: Map<string, Map<string, Column>>;
  foreignKeys: ForeignKey[];
}

export async function readCatalog(db: Queryable): Promise<Catalog> {
  const columns = await db.query<{ table_name: string; column_name: string; is_nullable: string }>(
    `select c.table_name, c.column_name, c.is_nullable
       from information_schema.columns c
       join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
      order by c.table_name, c.ordinal_position`,
  );
  const tables = new Map<string, Map<string, Column>>();
  for (const row of columns) {
    const table = tables.get(row.table_name) ?? new Map<string, Column>();
    table.set(row.column_name, { name: row.column_name, nullable: row.is_nullable === 'YES' });
    tables.set(row.table_name, table);
  }
  const keys = await db.query<{
    name: string;
    child: string;
    parent: string;
    child_columns: string;
    parent_columns: string;
    checked: boolean;
  }>(
    `select c.conname::text as name, cr.relname::text as child, pr.relname::text as parent,
            (select string_agg(a.attname::text, ',' order by k.i) from unnest(c.conkey) with ordinality as k(n, i)
               join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n) as child_columns,
            (select string_agg(a.attname::text, ',' order by k.i) from unnest(c.confkey) with ordinality as k(n, i)
               join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n) as parent_columns,
            exists (select 1 from pg_constraint ch where ch.contype = 'c' and ch.conrelid = c.conrelid
                       and ch.conkey && c.conkey) as checked
       from pg_constraint c
       join pg_class cr on cr.oid = c.conrelid
       join pg_class pr on pr.oid = c.confrelid
       join pg_namespace ns on ns.oid = cr.relnamespace
      where c.contype = 'f' and ns.nspname = current_schema()
      order by 2, 1`,
  );
  const foreignKeys = keys.map((key) => {
    const childColumns = key.child_columns.split(',');
    const table = tables.get(key.child);
    return {
      name: key.name,
      child: key.child,
      childColumns,
      parent: key.parent,
      parentColumns: key.parent_columns.split(','),
      nullable: !key.checked && childColumns.every((column) => table?.get(column)?.nullable !== false),
    };
  });
  return { tables, foreignKeys };
}

/** The tables that name a retiree in a `retiree_id` column, but for those kept. */
export function retireeTables(catalog: Catalog): string[] {
  return [...catalog.tables.entries()]
    .filter(([name, columns]) => columns.has('retiree_id') && !KEPT_TABLES.has(name))
    .map(([name]) => name)
    .sort();
}

/** A double-quoted SQL identifier; catalog names are plain, but quoting keeps them harmless. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
