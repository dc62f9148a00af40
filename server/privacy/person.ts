/**
 * Everything the records hold about one retiree, found from the schema: every row of every table
 * with a `retiree_id` naming them (the audit log and this module's receipts aside), the retiree row
 * itself, and every row that cannot exist without one of those (alert steps, benefit payments,
 * visit follow-ups…). A row that also names another retiree through a required reference (a device
 * whose earlier alerts were another person's) is not theirs alone: it is unbound, not deleted.
 */
import { type Catalog, ident, retireeTables } from './catalog.ts';
import { planRows, type RowPlan, type Seed } from './rows.ts';

export interface PersonPlan {
  rows: RowPlan;
  /** Rows bound to the retiree but needed by another retiree's rows: their `retiree_id` is cleared. */
  shared: { table: string; condition: (alias: string) => string }[];
}

export function personPlan(catalog: Catalog): PersonPlan {
  const seeds: Seed[] = [{ table: 'retirees', condition: (a) => `${a}."id" = $1` }];
  const shared: PersonPlan['shared'] = [];
  for (const table of retireeTables(catalog)) {
    const nullable = catalog.tables.get(table)?.get('retiree_id')?.nullable === true;
    const needers = catalog.foreignKeys.filter(
      (key) =>
        key.parent === table &&
        key.child !== table &&
        !key.nullable &&
        catalog.tables.get(key.child)?.has('retiree_id'),
    );
    if (!nullable || needers.length === 0) {
      seeds.push({ table, condition: (a) => `${a}."retiree_id" = $1` });
      continue;
    }
    const neededByOthers = (a: string) =>
      needers
        .map((key) => {
          const s = `s_${key.child}`;
          const pairs = key.childColumns.map(
            (column, index) => `${s}.${ident(column)} = ${a}.${ident(key.parentColumns[index] as string)}`,
          );
          return `exists (select 1 from ${ident(key.child)} as ${s} where ${pairs.join(' and ')}
                    and ${s}."retiree_id" is not null and ${s}."retiree_id" <> $1)`;
        })
        .join(' or ');
    seeds.push({ table, condition: (a) => `${a}."retiree_id" = $1 and not (${neededByOthers(a)})` });
    shared.push({ table, condition: (a) => `${a}."retiree_id" = $1 and (${neededByOthers(a)})` });
  }
  return { rows: planRows(catalog, seeds), shared };
}
