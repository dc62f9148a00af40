/**
 * The README's settings tables, made from the schema: each group's table stands in README.md between
 * `<!-- settings:<group> -->` and `<!-- /settings -->`. `npm run settings:readme` writes them there;
 * a test fails when what stands there differs from what the schema says.
 */
import type { Setting, SettingGroup } from './kinds.ts';
import { SETTINGS } from './schema.ts';

const HEADER = ['variable', 'default', 'meaning'] as const;

/** The markdown table of one group, columns padded so the text reads as a table too. */
export function settingsTable(group: SettingGroup): string {
  const rows = Object.values(SETTINGS as Record<string, Setting<unknown>>)
    .filter((entry) => entry.group === group)
    .map((entry) => [`\`${entry.variable}\``, entry.defaultText, entry.meaning]);
  const widths = HEADER.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => width(row[column] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell + ' '.repeat((widths[column] ?? 0) - width(cell))).join(' | ')} |`;
  return [line(HEADER), line(widths.map((size) => '-'.repeat(size))), ...rows.map(line)].join('\n');
}

/** Columns a cell takes in a monospace font: CJK characters take two. */
function width(text: string): number {
  let columns = 0;
  for (const char of text) columns += /[\u3000-\u9fff\uff00-\uffef]/.test(char) ? 2 : 1;
  return columns;
}

const BLOCK = /<!-- settings:([a-z]+) -->\n[\s\S]*?\n<!-- \/settings -->/g;

/** The README with every settings block made anew from the schema. */
export function withSettingsTables(readme: string): string {
  return readme.replace(
    BLOCK,
    (_whole, group: string) =>
      `<!-- settings:${group} -->\n${settingsTable(group as SettingGroup)}\n<!-- /settings -->`,
  );
}

/** The groups the README has a block for, in order. */
export function settingsBlocks(readme: string): string[] {
  return [...readme.matchAll(BLOCK)].map((match) => match[1] ?? '');
}
