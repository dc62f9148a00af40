/**
 * Money as the hub keeps it: whole fen (分) on the wire and in the records, yuan (元) with two
 * decimals on screen. Shared by the living treatment, care and after-death pages.
 */

const formatter = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** ¥1,234.56 for 123456 fen; a dash for no amount. */
export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '—';
  return `¥${formatter.format(fen / 100)}`;
}

/** Yuan typed in a form (at most two decimals) as whole fen; undefined when empty. */
export function toFen(value: number | null | undefined): number | undefined {
  if (value === null || value === undefined || Number.isNaN(value)) return undefined;
  return Math.round(value * 100);
}

/** Fen as yuan for a number input. */
export function toYuan(fen: number | null | undefined): number | undefined {
  return fen === null || fen === undefined ? undefined : fen / 100;
}
