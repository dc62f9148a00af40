/**
 * Every setting is described once (server/settings/schema.ts): the README's tables are the schema's,
 * every variable the code names is in it, and only the configuration reads the environment.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import type { Setting, SettingGroup } from '../../server/settings/kinds.ts';
import { settingsBlocks, settingsTable, withSettingsTables } from '../../server/settings/readme.ts';
import { readSettings, SETTINGS } from '../../server/settings/schema.ts';

const root = path.resolve(import.meta.dirname, '../..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const entries = Object.values(SETTINGS as Record<string, Setting<unknown>>);

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}
const code = ['server', 'gateway', 'devices'].flatMap((area) => sources(path.join(root, area)));

describe('settings described once', () => {
  it('has the README tables the schema makes (npm run settings:readme writes them)', () => {
    const groups = [...new Set(entries.map((entry) => entry.group))].sort();
    expect([...settingsBlocks(readme)].sort()).toStrictEqual(groups);
    expect(withSettingsTables(readme)).toBe(readme);
  });

  it('lists each variable once, in one table', () => {
    const variables = entries.map((entry) => entry.variable);
    expect(new Set(variables).size).toBe(variables.length);
    const tables = (['hub', 'notify', 'accounts', 'security', 'retention'] as SettingGroup[]).map(
      settingsTable,
    );
    for (const variable of variables) {
      expect(
        tables.filter((table) => table.includes(`| \`${variable}\` `)),
        variable,
      ).toHaveLength(1);
    }
  });

  it('knows every HUB_ variable the code names', () => {
    const known = new Set(entries.map((entry) => entry.variable));
    // Variables as the code writes them, quoted or in backticks (constants named HUB_… are not).
    const named = new Set(
      code.flatMap((file) =>
        [...fs.readFileSync(file, 'utf8').matchAll(/['"`](HUB_[A-Z0-9_]*[A-Z0-9])\b/g)].map(
          (match) => match[1],
        ),
      ),
    );
    expect([...named].filter((variable) => variable && !known.has(variable)).sort()).toStrictEqual([]);
  });

  it('reads the environment in the configuration only', () => {
    const readers = code
      .filter((file) =>
        /process\.env\b/.test(fs.readFileSync(file, 'utf8').replace(/^\s*(\*|\/\/).*$/gm, '')),
      )
      .map((file) => path.relative(root, file));
    expect(readers).toStrictEqual(['server/config.ts']);
  });

  it('gives the defaults when nothing is set, and names the variable of a bad value', () => {
    const defaults = readSettings({});
    expect(defaults).toMatchObject({
      httpPort: 8080,
      brokerStore: 'disk',
      webhookRetryDelays: [0, 2000, 8000],
    });
    expect(defaults.adminPassword).toBeUndefined();
    for (const entry of entries) {
      expect(() => entry.read({ [entry.variable]: '   ' }), entry.variable).not.toThrow();
    }
    expect(() => readSettings({ HUB_MQTT_PORT: '70000' })).toThrow(
      /^HUB_MQTT_PORT: expected 0–65535, got 70000$/,
    );
    expect(() => readSettings({ HUB_BROKER_STORE: 'cloud' })).toThrow(
      /^HUB_BROKER_STORE: expected one of disk, memory/,
    );
    expect(() => readSettings({ HUB_RETENTION_TELEMETRY_DAYS: 'never' })).toThrow(
      /^HUB_RETENTION_TELEMETRY_DAYS: /,
    );
    expect(() => loadConfig({ HUB_ARCHIVE_MAX_ATTACHMENT_BYTES: '0' })).toThrow(
      /^HUB_ARCHIVE_MAX_ATTACHMENT_BYTES: /,
    );
    expect(loadConfig({ HUB_RETENTION_TELEMETRY_DAYS: 'off' }).retention.telemetryDays).toBeNull();
    expect(() =>
      loadConfig({ HUB_MQTT_MAX_PACKET_BYTES: '100000', HUB_MQTT_MAX_BRIDGE_PACKET_BYTES: '50000' }),
    ).toThrow(/^HUB_MQTT_MAX_BRIDGE_PACKET_BYTES: /);
  });
});
