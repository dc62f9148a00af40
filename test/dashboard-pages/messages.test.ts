/**
 * The dashboard's words, checked without a browser. Translators edit JSON: every `locales/` folder
 * under dashboard/src (the frame's, and each page's beside its `messages.ts`) holds `zh-CN.json` and
 * `en.json` with exactly the same keys and no empty word, found by walking the folders, so a new page
 * is checked without naming it here. Every key a component asks for with `t('…')` (or `tm`, or a
 * `t(`…${…}`)` whose fixed start must name a group) is found in Chinese and in English among the
 * words that component can reach: the frame's (dashboard/src/locales/), the page titles every
 * `route.ts` merges under `nav.`, and the `messages.ts` sets the component imports. Every set of
 * words has the same keys in both languages (README, "Service-records pages").
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const source = path.resolve(import.meta.dirname, '../../dashboard/src');

type Words = Record<string, unknown>;
interface Sets {
  'zh-CN': Words;
  en: Words;
}

function filesUnder(dir: string, name: RegExp): string[] {
  const result: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) result.push(...filesUnder(full, name));
    else if (name.test(entry.name)) result.push(full);
  }
  return result;
}

function sourceFiles(dir: string): string[] {
  return filesUnder(dir, /\.(ts|vue)$/);
}

function readWords(file: string): Words {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Words;
}

/** Every `locales/` folder's JSON files, by folder: the frame's and each page's. */
function localeFolders(): Map<string, string[]> {
  const folders = new Map<string, string[]>();
  for (const file of filesUnder(source, /\.json$/)) {
    const folder = path.dirname(file);
    if (path.basename(folder) !== 'locales') continue;
    folders.set(folder, [...(folders.get(folder) ?? []), path.basename(file)].sort());
  }
  return folders;
}

/** What vue-i18n could not show: a word that is not a non-empty string, or an empty group. */
function emptyWords(words: unknown, prefix = ''): string[] {
  if (typeof words === 'string') return words.trim() ? [] : [prefix];
  if (words === null || typeof words !== 'object') return [prefix];
  const entries = Object.entries(words as Words);
  if (!entries.length) return [prefix];
  return entries.flatMap(([key, value]) => emptyWords(value, prefix ? `${prefix}.${key}` : key));
}

/** Every leaf of a set of words as a dotted path (an array's items by their index). */
function leafPaths(words: unknown, prefix = ''): string[] {
  if (words === null || typeof words !== 'object') return [prefix];
  return Object.entries(words as Words).flatMap(([key, value]) =>
    leafPaths(value, prefix ? `${prefix}.${key}` : key),
  );
}

function lookUp(words: Words, key: string): unknown {
  let here: unknown = words;
  for (const part of key.split('.')) {
    if (here === null || typeof here !== 'object') return undefined;
    here = (here as Words)[part];
  }
  return here;
}

/** Deep merge, later sets winning, as vue-i18n's `mergeLocaleMessage` does. */
function merge(target: Words, more: Words): Words {
  const result: Words = { ...target };
  for (const [key, value] of Object.entries(more)) {
    const before = result[key];
    result[key] =
      before && typeof before === 'object' && value && typeof value === 'object' && !Array.isArray(value)
        ? merge(before as Words, value as Words)
        : value;
  }
  return result;
}

const frame: Sets = {
  'zh-CN': readWords(path.join(source, 'locales', 'zh-CN.json')),
  en: readWords(path.join(source, 'locales', 'en.json')),
};

const routeFiles = sourceFiles(path.join(source, 'views')).filter((file) => file.endsWith('/route.ts'));
const messageFiles = sourceFiles(path.join(source, 'views')).filter((file) => file.endsWith('/messages.ts'));
const components = sourceFiles(source).filter(
  (file) => !file.includes(`${path.sep}locales${path.sep}`) && !file.endsWith('/messages.ts'),
);

interface PageModuleShape {
  routes: { meta?: { title?: string } }[];
  nav?: { key: string }[];
  titles?: Sets;
}

async function loadPages(): Promise<Map<string, PageModuleShape>> {
  const pages = new Map<string, PageModuleShape>();
  for (const file of routeFiles) {
    const module = (await import(file)) as { default: PageModuleShape };
    pages.set(file, module.default);
  }
  return pages;
}

/** The `*Messages` sets a file imports from a `messages.ts`, loaded. */
async function importedSets(file: string, text: string): Promise<{ from: string; sets: Sets }[]> {
  const found: { from: string; sets: Sets }[] = [];
  const pattern = /import\s*\{([^}]*)\}\s*from\s*'([^']*messages\.ts)'/g;
  for (const match of text.matchAll(pattern)) {
    const target = path.resolve(path.dirname(file), match[2] ?? '');
    const module = (await import(target)) as Record<string, Sets>;
    for (const name of (match[1] ?? '').split(',').map((part) => part.trim())) {
      const sets = module[name];
      if (sets) found.push({ from: path.relative(source, target), sets });
    }
  }
  return found;
}

/** What a component asks for: whole keys, and the fixed starts of keys built at run time. */
function keysAskedFor(text: string): { whole: string[]; groups: string[] } {
  const whole: string[] = [];
  const groups: string[] = [];
  for (const match of text.matchAll(/\bt[m]?\(\s*'([^'\n]+)'/g)) whole.push(match[1] ?? '');
  for (const match of text.matchAll(/\bt[m]?\(\s*`([^`\n]+)`/g)) {
    const literal = match[1] ?? '';
    const open = literal.indexOf('${');
    if (open < 0) whole.push(literal);
    else {
      const start = literal.slice(0, open);
      // `nav.${entry.key}` and the like: the group before the first placeholder must exist.
      if (start.endsWith('.')) groups.push(start.slice(0, -1));
    }
  }
  return { whole, groups };
}

describe('dashboard words', () => {
  it('keeps each set of words as zh-CN.json and en.json with the same keys and no empty word', () => {
    const folders = localeFolders();
    const problems: string[] = [];
    for (const [folder, files] of folders) {
      const name = path.relative(source, folder);
      if (files.join() !== 'en.json,zh-CN.json') {
        problems.push(`${name}: holds ${files.join(', ')}, not en.json and zh-CN.json`);
        continue;
      }
      const chinese = readWords(path.join(folder, 'zh-CN.json'));
      const english = readWords(path.join(folder, 'en.json'));
      const chineseKeys = new Set(leafPaths(chinese));
      const englishKeys = new Set(leafPaths(english));
      for (const key of chineseKeys)
        if (!englishKeys.has(key)) problems.push(`${name}: ${key} has no English`);
      for (const key of englishKeys)
        if (!chineseKeys.has(key)) problems.push(`${name}: ${key} has no Chinese`);
      for (const key of emptyWords(chinese)) problems.push(`${name}/zh-CN.json: ${key || '(all)'} is empty`);
      for (const key of emptyWords(english)) problems.push(`${name}/en.json: ${key || '(all)'} is empty`);
    }
    expect(problems).toEqual([]);
    // The walk finds what it means to find: the frame's words and every page folder's.
    expect(folders.has(path.join(source, 'locales'))).toBe(true);
    const pagesWithWords = messageFiles.map((file) => path.join(path.dirname(file), 'locales'));
    expect(pagesWithWords.filter((folder) => !folders.has(folder))).toEqual([]);
  });

  it('has the same keys in Chinese and in English, in the frame and in every page', async () => {
    const differences: string[] = [];
    const compare = (name: string, sets: Sets) => {
      const chinese = new Set(leafPaths(sets['zh-CN']));
      const english = new Set(leafPaths(sets.en));
      for (const key of chinese) if (!english.has(key)) differences.push(`${name}: ${key} has no English`);
      for (const key of english) if (!chinese.has(key)) differences.push(`${name}: ${key} has no Chinese`);
    };
    compare('locales', frame);
    for (const file of messageFiles) {
      const module = (await import(file)) as Record<string, Sets>;
      for (const [name, sets] of Object.entries(module))
        compare(`${path.relative(source, file)} ${name}`, sets);
    }
    for (const [file, page] of await loadPages()) {
      if (page.titles) compare(`${path.relative(source, file)} titles`, page.titles);
    }
    expect(differences).toEqual([]);
  });

  it('finds every page title and menu entry under nav. in both languages', async () => {
    const missing: string[] = [];
    let titles: Sets = frame;
    const pages = await loadPages();
    for (const page of pages.values()) {
      if (!page.titles) continue;
      titles = {
        'zh-CN': merge(titles['zh-CN'], { nav: page.titles['zh-CN'] }),
        en: merge(titles.en, { nav: page.titles.en }),
      };
    }
    for (const [file, page] of pages) {
      const keys = [
        ...page.routes.flatMap((route) => (route.meta?.title ? [route.meta.title] : [])),
        ...(page.nav ?? []).map((entry) => `nav.${entry.key}`),
      ];
      for (const key of keys) {
        for (const locale of ['zh-CN', 'en'] as const) {
          if (typeof lookUp(titles[locale], key) !== 'string') {
            missing.push(`${path.relative(source, file)}: ${key} (${locale})`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('finds every key a component asks for in the words it can reach', async () => {
    let reachable: Sets = frame;
    for (const page of (await loadPages()).values()) {
      if (!page.titles) continue;
      reachable = {
        'zh-CN': merge(reachable['zh-CN'], { nav: page.titles['zh-CN'] }),
        en: merge(reachable.en, { nav: page.titles.en }),
      };
    }
    const missing: string[] = [];
    let asked = 0;
    for (const file of components) {
      const text = fs.readFileSync(file, 'utf8');
      const { whole, groups } = keysAskedFor(text);
      if (!whole.length && !groups.length) continue;
      let words = reachable;
      for (const { sets } of await importedSets(file, text)) {
        words = { 'zh-CN': merge(words['zh-CN'], sets['zh-CN']), en: merge(words.en, sets.en) };
      }
      for (const locale of ['zh-CN', 'en'] as const) {
        for (const key of whole) {
          asked += 1;
          const value = lookUp(words[locale], key);
          if (value === undefined || (typeof value === 'object' && !Array.isArray(value))) {
            missing.push(`${path.relative(source, file)}: ${key} (${locale})`);
          }
        }
        for (const group of groups) {
          const value = lookUp(words[locale], group);
          if (value === null || typeof value !== 'object') {
            missing.push(`${path.relative(source, file)}: ${group}.… (${locale})`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
    // The check reads what it means to read: hundreds of keys across the pages.
    expect(asked).toBeGreaterThan(500);
  });

  it('keeps the words of one page out of the frame: no page folder is named in locales/', () => {
    const frameGroups = new Set(Object.keys(frame['zh-CN']));
    const pageFolders = fs
      .readdirSync(path.join(source, 'views'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    // The wall's words stay in the frame: the shared tiles and the chart use them too; sign-in is the frame's.
    const shared = new Set(['wall', 'login']);
    expect(pageFolders.filter((name) => frameGroups.has(name) && !shared.has(name))).toEqual([]);
  });
});
