/**
 * A retiree's data as one ZIP file (PIPL art. 45: a person may obtain a copy of what is held about
 * them): `manifest.json` says what is inside; `retiree.json` is the archive record; `records/<table>.json`
 * holds every row about them found from the schema (contacts, devices, alerts and their steps, the
 * archive's change history, every service record; `family_accounts.json` the family accounts
 * that see them); `telemetry/readings.csv` every value of their
 * devices; `attachments/` the files with their SHA-256; `audit/audit_log.json` the audit entries
 * about them, when the audit log exists.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { StoredReading } from '../../gateway/index.ts';
import { centreDay } from '../calendar.ts';
import { notFound } from '../errors.ts';
import { ident, readCatalog } from './catalog.ts';
import { personPlan } from './person.ts';
import { plain } from './plain.ts';
import type { Actor, PrivacyPorts } from './ports.ts';
import { collectRows } from './rows.ts';
import { type ZipEntry, zip } from './zip.ts';

export interface RetireeExport {
  fileName: string;
  file: Buffer;
  summary: {
    tables: Record<string, number>;
    telemetryValues: number;
    attachments: number;
    auditEntries: number | null;
  };
}

interface AttachmentRow {
  id: string;
  name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
}

const json = (value: unknown) => Buffer.from(`${JSON.stringify(plain(value), null, 2)}\n`, 'utf8');

/**
 * Names inside the ZIP stay ASCII (the attachment's id and its extension), which every unzip tool
 * reads alike; the manifest gives each file's original name.
 */
function fileNameOf(row: AttachmentRow): string {
  const extension = /\.([A-Za-z0-9]{1,8})$/.exec(row.name)?.[1]?.toLowerCase();
  return `attachments/${row.id}${extension ? `.${extension}` : ''}`;
}

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function readingsCsv(readings: StoredReading[]): Buffer {
  const lines = ['time,ts_ms,device_id,device_type,retiree_id,field,value'];
  for (const r of readings) {
    lines.push(
      [new Date(r.ts).toISOString(), r.ts, r.deviceId, r.deviceType, r.retireeId, r.field, r.value]
        .map(csvCell)
        .join(','),
    );
  }
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

/** The devices whose every series is the retiree's: bound to them and not shared with another. */
export function ownDevices(rows: Map<string, Record<string, unknown>[]>): string[] {
  return (rows.get('devices') ?? []).map((row) => String(row.id));
}

/** `retiree-<id>-<YYYYMMDD>.zip`, dated by the centre's calendar (at 02:00 in Beijing it is already tomorrow's). */
export function exportFileName(retireeId: string, at: Date): string {
  return `retiree-${retireeId}-${centreDay(at).replace(/-/g, '')}.zip`;
}

export async function exportRetiree(
  ports: PrivacyPorts,
  retireeId: string,
  request: { reason: string; actor: Actor },
): Promise<RetireeExport> {
  const catalog = await readCatalog(ports.db);
  const plan = personPlan(catalog);
  const params = [retireeId];
  const { rows, shared, audit } = await ports.db.transaction(async (tx) => {
    const rows = await collectRows(tx, plan.rows, params);
    const shared = new Map<string, Record<string, unknown>[]>();
    for (const part of plan.shared) {
      const found = await tx.query<Record<string, unknown>>(
        `select t.* from ${ident(part.table)} as t where ${part.condition('t')}`,
        params,
      );
      if (found.length > 0) shared.set(part.table, found);
    }
    const audit = catalog.tables.has('audit_log')
      ? await tx.query<Record<string, unknown>>(
          `select * from audit_log where retiree_id::text = $1 or target_id = $1 order by seq`,
          params,
        )
      : null;
    // The family accounts that see this retiree: who they are, never their password or factor.
    if (rows.has('family_links')) {
      const accounts = await tx.query<Record<string, unknown>>(
        `select u.id, u.username, u.display_name, u.role, u.disabled, u.created_at from users u
          where u.id in (select user_id from family_links where retiree_id = $1) order by u.username`,
        params,
      );
      if (accounts.length > 0) rows.set('family_accounts', accounts);
    }
    return { rows, shared, audit };
  });
  const retiree = rows.get('retirees')?.[0];
  if (!retiree) throw notFound('retiree');

  // Readings still buffered are written first, so the export holds everything received so far.
  await ports.writer.flush();
  const devices = ownDevices(rows);
  const readings = await ports.telemetry.readSeries({ deviceIds: devices, retireeIds: [retireeId] });

  const at = ports.now();
  const entries: ZipEntry[] = [{ name: 'retiree.json', data: json(retiree) }];
  const tables: Record<string, number> = {};
  const tableNames = new Set([...rows.keys(), ...shared.keys()]);
  for (const table of [...tableNames].sort()) {
    if (table === 'retirees') continue;
    const list = [...(rows.get(table) ?? []), ...(shared.get(table) ?? [])];
    tables[table] = list.length;
    entries.push({ name: `records/${table}.json`, data: json(list) });
  }
  entries.push({ name: 'telemetry/readings.csv', data: readingsCsv(readings) });

  const attachments = [];
  for (const row of (rows.get('archive_attachments') ?? []) as unknown as AttachmentRow[]) {
    const file = path.join(ports.dataDir, 'attachments', retireeId, row.id);
    const data = await fs.readFile(file).catch(() => null);
    const name = data ? fileNameOf(row) : null;
    if (data && name) entries.push({ name, data });
    attachments.push({
      id: row.id,
      name: row.name,
      contentType: row.content_type,
      sizeBytes: row.size_bytes,
      sha256: row.sha256,
      file: name,
      present: data !== null,
      sha256Matches: data ? createHash('sha256').update(data).digest('hex') === row.sha256 : null,
    });
  }
  if (audit) entries.push({ name: 'audit/audit_log.json', data: json(audit) });

  const manifest = {
    format: 'junxiu-hub/retiree-export',
    version: 1,
    retireeId,
    exportedAt: at.toISOString(),
    exportedBy: { id: request.actor.id, name: request.actor.name, role: request.actor.role },
    reason: request.reason,
    contents: {
      'retiree.json': 'the archive record (档案)',
      records: tables,
      'telemetry/readings.csv': { values: readings.length, devices, store: ports.telemetry.kind },
      attachments,
      'audit/audit_log.json': audit ? { entries: audit.length } : 'the audit log does not exist on this hub',
    },
  };
  entries.unshift({ name: 'manifest.json', data: json(manifest) });
  return {
    fileName: exportFileName(retireeId, at),
    file: zip(entries, at),
    summary: {
      tables,
      telemetryValues: readings.length,
      attachments: attachments.length,
      auditEntries: audit ? audit.length : null,
    },
  };
}
