/**
 * Who may import whom (ARCHITECTURE.md, "Layers"): devices/ imports nothing of ours; gateway/ and simulators/ import
 * only devices/ (simulators may also `import type` the API's schemas); server/ reaches the gateway
 * only through gateway/index.ts; dashboard/ takes only types from the server, with named
 * exceptions, pure modules that import nothing, so that the browser and the server run the same
 * code: the centre's calendar (server/calendar.ts), so both count the centre's day alike, the
 * access policy (server/access/policy.ts), so the dashboard shows what the server lets through, and
 * the health words of a hand-over to 120 (server/rescue/handover.ts), alike from desk and phone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const areas = ['devices', 'gateway', 'server', 'simulators', 'dashboard/src'];

interface ImportSite {
  file: string;
  target: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  const result: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) result.push(...sourceFiles(full));
    else if (/\.(ts|vue)$/.test(entry.name)) result.push(full);
  }
  return result;
}

function importsOf(file: string): ImportSite[] {
  const text = fs.readFileSync(file, 'utf8');
  const sites: ImportSite[] = [];
  const pattern = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/g;
  for (const match of text.matchAll(pattern)) {
    const specifier = match[3] ?? '';
    if (!specifier.startsWith('.')) continue;
    sites.push({
      file: path.relative(root, file),
      target: path.relative(root, path.resolve(path.dirname(file), specifier)),
      typeOnly: Boolean(match[2]),
    });
  }
  return sites;
}

const all = areas
  .filter((area) => fs.existsSync(path.join(root, area)))
  .flatMap((area) => sourceFiles(path.join(root, area)).flatMap(importsOf));
const from = (area: string) => all.filter((site) => site.file.startsWith(`${area}/`));
const top = (target: string) => target.split('/')[0] ?? '';

/** The server modules the dashboard may run, and why: each pure, and importing nothing at all. */
const SHARED_WITH_DASHBOARD: Record<string, string> = {
  'server/calendar.ts': "the centre's day, counted alike in the browser and on the server",
  'server/access/policy.ts': 'who may do what, one table for the guard, the pages and the matrix test',
  'server/live/watch-limit.ts':
    'how much one screen may watch: the hub refuses more, the dashboard asks no more',
  'server/rescue/handover.ts':
    'what a hand-over to 120 says of health, alike from the desk and the mobile link',
};
const shared = Object.keys(SHARED_WITH_DASHBOARD);

describe('module boundaries', () => {
  it('finds the imports it checks', () => {
    expect(all.length).toBeGreaterThan(50);
  });

  it('keeps devices/ pure: it imports nothing of ours outside devices/', () => {
    expect(from('devices').filter((site) => top(site.target) !== 'devices')).toStrictEqual([]);
  });

  it('lets gateway/ import only devices/', () => {
    expect(
      from('gateway').filter((site) => !['gateway', 'devices'].includes(top(site.target))),
    ).toStrictEqual([]);
  });

  it('lets simulators/ import devices/ and only types of the server API', () => {
    const wrong = from('simulators').filter((site) => {
      const area = top(site.target);
      if (area === 'simulators' || area === 'devices') return false;
      return !(site.typeOnly && site.target.startsWith('server/schemas'));
    });
    expect(wrong).toStrictEqual([]);
  });

  it('lets server/ reach the gateway only through its public index', () => {
    const wrong = from('server').filter(
      (site) => top(site.target) === 'gateway' && site.target !== 'gateway/index.ts',
    );
    expect(wrong).toStrictEqual([]);
    expect(
      from('server').filter((site) => ['simulators', 'dashboard'].includes(top(site.target))),
    ).toStrictEqual([]);
  });

  it('lets dashboard/ take only types from the server, its shared pure modules, and data from devices/', () => {
    const wrong = from('dashboard/src').filter((site) => {
      const area = top(site.target);
      if (area === 'dashboard') return false;
      if (area === 'server') return !site.typeOnly && !shared.includes(site.target);
      return area !== 'devices';
    });
    expect(wrong).toStrictEqual([]);
    // The dashboard does run each of them, so every exception is in use.
    const unused = shared.filter(
      (module) => !from('dashboard/src').some((site) => site.target === module && !site.typeOnly),
    );
    expect(unused).toStrictEqual([]);
  });

  for (const module of shared) {
    it(`keeps ${module}, which the dashboard shares, free of imports, so no server code follows it`, () => {
      const text = fs.readFileSync(path.join(root, module), 'utf8');
      expect(text.match(/^\s*import\b/gm)).toBeNull();
      expect(text.match(/^\s*export\b[^;]*\bfrom\s*['"]/gm)).toBeNull();
      expect(text.match(/\bimport\s*\(|\brequire\s*\(/g)).toBeNull();
    });
  }
});
