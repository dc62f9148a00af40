/**
 * Deletion of a retiree's data on a recorded decision (PIPL art. 47), across every store: the SQL
 * records (every table with a `retiree_id` and every row depending on one, children first, in one
 * transaction), the telemetry store (every series of their devices and their retiree tag), the
 * attachment files, and the broker's retained messages of their devices. What stays by design: the
 * audit log, a tombstone (that a person was deleted, by which decision, when, by whom) and the
 * receipt, which says what was removed from each store.
 *
 * Order: devices are revoked first (no new reading arrives), then the telemetry store is emptied
 * (a store that does not answer stops the deletion before any record is touched), then the records
 * go in one transaction with the tombstone and the receipt, then the files and retained messages.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ACTIVE_STATUSES } from '../../devices/alerts.ts';
import { PROTOCOL_PREFIX } from '../../devices/contract.ts';
import { DEFAULT_BASE_TOPIC } from '../../devices/zigbee/index.ts';
import { conflict, HubError, notFound } from '../errors.ts';
import type { Decision, DeletionReceipt } from '../schemas/privacy.ts';
import { ident, readCatalog } from './catalog.ts';
import { personPlan } from './person.ts';
import type { Actor, PrivacyPorts } from './ports.ts';
import { eraseRows, type TableCount } from './rows.ts';

/** Alert states in which someone may still be coming: the person is not deleted under them. */
const ACTIVE_ALERT_STATES = ACTIVE_STATUSES;

const unavailable = (message: string) => new HubError(503, 'unavailable', message);

interface DeviceRow {
  id: string;
  friendly_name: string | null;
  bridge_id: string | null;
}

async function hasActiveAlert(q: PrivacyPorts['db'], retireeId: string): Promise<boolean> {
  const rows = await q.query<{ id: string }>(
    'select id from alerts where retiree_id = $1 and status = any($2::text[]) limit 1',
    [retireeId, ACTIVE_ALERT_STATES],
  );
  return rows.length > 0;
}

/** Topic filters of what the broker may retain for these devices (Zigbee sensors under their bridge). */
async function retainedFilters(ports: PrivacyPorts, devices: DeviceRow[]): Promise<string[]> {
  const filters: string[] = [];
  for (const device of devices) {
    filters.push(`${PROTOCOL_PREFIX}/${device.id}/#`);
    const friendly = device.friendly_name;
    if (!friendly || !device.bridge_id || /[#+]/.test(friendly)) continue;
    const [bridge] = await ports.db.query<{ base: string | null }>(
      `select options->>'baseTopic' as base from devices where id = $1`,
      [device.bridge_id],
    );
    const base = bridge?.base || DEFAULT_BASE_TOPIC;
    filters.push(`${base}/${friendly}`, `${base}/${friendly}/availability`);
  }
  return filters;
}

async function filesUnder(folder: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  const entries = await fs.readdir(folder, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      const inner = await filesUnder(full);
      files += inner.files;
      bytes += inner.bytes;
    } else {
      files += 1;
      bytes += (await fs.stat(full).catch(() => ({ size: 0 }))).size;
    }
  }
  return { files, bytes };
}

/** Clears until a pass finds nothing: a revocation finishing meanwhile may retain a last status. */
async function clearRetained(ports: PrivacyPorts, filters: string[]): Promise<string[]> {
  const cleared = new Set<string>();
  for (let pass = 0; pass < 10; pass++) {
    const topics = await ports.broker.clearRetained(filters);
    if (topics.length === 0) break;
    for (const topic of topics) cleared.add(topic);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return [...cleared].sort();
}

export async function deleteRetiree(
  ports: PrivacyPorts,
  retireeId: string,
  decision: Decision,
  actor: Actor,
): Promise<DeletionReceipt> {
  const catalog = await readCatalog(ports.db);
  const plan = personPlan(catalog);
  const params = [retireeId];

  const [exists] = await ports.db.query<{ id: string }>('select id from retirees where id = $1', params);
  if (!exists) throw notFound('retiree');
  if (await hasActiveAlert(ports.db, retireeId)) {
    throw conflict('该军休干部有未结束的告警（待处理/已确认/处理中），告警结束后才能删除其数据');
  }

  const devices = await ports.db.query<DeviceRow>(
    'select id, friendly_name, bridge_id from devices where retiree_id = $1 order by id',
    params,
  );
  // Devices that are theirs alone: every series of these goes, not only the values tagged with them.
  const ownedIds = plan.rows.order.includes('devices')
    ? (
        await ports.db.query<{ id: string }>(
          `select t.id from devices as t where ${plan.rows.condition('devices', 't')} order by t.id`,
          params,
        )
      ).map((row) => row.id)
    : [];

  // A store that does not answer, or readings still waiting in the spool, stop the deletion here,
  // before anything changed: their devices keep working until the deletion can be done in full.
  await ports.writer.flush();
  const answers = await ports.telemetry.ping().catch(() => false);
  if (!answers || !ports.writer.spool.isEmpty) {
    throw unavailable(
      '时序库暂不可用或仍有遥测数据在本地缓存中等待写入，暂不能删除；请稍后重试（未作任何改动）',
    );
  }
  const selector = { deviceIds: ownedIds, retireeIds: [retireeId] };
  const deleteTelemetry = async () => {
    try {
      return await ports.telemetry.deleteSeries(selector);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw Object.assign(unavailable(`时序库删除失败，档案数据未作改动，请稍后重试：${why}`), {
        cause: error,
      });
    }
  };
  let telemetryValues = await deleteTelemetry();
  // No reading of theirs arrives from now on (a device shared with another's records too); what
  // arrived since the first pass is buffered or written, and goes in a second one.
  for (const device of devices) ports.devices.revoke(device.id);
  await ports.writer.flush();
  telemetryValues += await deleteTelemetry();

  const attachmentsFolder = path.join(ports.dataDir, 'attachments', retireeId);
  const files = await filesUnder(attachmentsFolder);
  const at = ports.now();

  const filters = await retainedFilters(ports, devices);
  const receipt: DeletionReceipt = {
    id: randomUUID(),
    retireeId,
    at: at.toISOString(),
    by: { id: actor.id, name: actor.name },
    decision,
    removed: {
      records: { rows: 0, tables: {} },
      telemetry: { store: ports.telemetry.kind, values: telemetryValues, devices: ownedIds },
      attachments: files,
      mqtt: { retainedTopics: [] },
      devicesRevoked: devices.map((device) => device.id),
      familyAccountsDisabled: 0,
    },
    kept: ['audit_log', 'privacy_tombstones', 'privacy_receipts'],
  };

  const familyUsers = await ports.db.transaction(async (tx) => {
    // Two deletions of one person at once: the second waits here and then finds nothing to do.
    const [still] = await tx.query('select id from retirees where id = $1 for update', params);
    if (!still) throw notFound('retiree');
    const active = await tx.query('select 1 from alerts where retiree_id = $1 and status = any($2::text[])', [
      retireeId,
      ACTIVE_ALERT_STATES,
    ]);
    if (active.length > 0) {
      throw conflict('该军休干部有未结束的告警（待处理/已确认/处理中），告警结束后才能删除其数据');
    }
    // Family accounts that speak for this retiree alone are closed with their links.
    const familyUsers = catalog.tables.has('family_links')
      ? (
          await tx.query<{ user_id: string }>(
            `select distinct user_id from family_links where retiree_id = $1
              and user_id not in (select user_id from family_links where retiree_id <> $1)`,
            params,
          )
        ).map((row) => row.user_id)
      : [];
    const tables: Record<string, TableCount> = {};
    for (const part of plan.shared) {
      const [row] = await tx.query<{ n: number }>(
        `with cut as (update ${ident(part.table)} as t set "retiree_id" = null where ${part.condition('t')} returning 1)
         select count(*)::int as n from cut`,
        params,
      );
      if (row && row.n > 0) tables[part.table] = { deleted: 0, detached: row.n };
    }
    for (const [table, count] of Object.entries(await eraseRows(tx, plan.rows, params))) {
      const before = tables[table] ?? { deleted: 0, detached: 0 };
      tables[table] = { deleted: before.deleted + count.deleted, detached: before.detached + count.detached };
    }
    receipt.removed.records = {
      rows: Object.values(tables).reduce((sum, count) => sum + count.deleted, 0),
      tables,
    };
    for (const userId of familyUsers) {
      await tx.query(`update users set disabled = true where id = $1 and role = 'family'`, [userId]);
    }
    receipt.removed.familyAccountsDisabled = familyUsers.length;
    await tx.query(
      `insert into privacy_receipts (id, kind, retiree_id, at, by_id, by_name, detail)
       values ($1, 'deletion', $2, $3, $4, $5, $6)`,
      [receipt.id, retireeId, at, actor.id, actor.name, JSON.stringify(receipt)],
    );
    await tx.query(
      `insert into privacy_tombstones (retiree_id, decision_ref, decided_by, reason, deleted_at, deleted_by, deleted_by_name, receipt_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        retireeId,
        decision.decisionRef,
        decision.decidedBy,
        decision.reason,
        at,
        actor.id,
        actor.name,
        receipt.id,
      ],
    );
    return familyUsers;
  });

  // The records are gone: what remains outside them goes now, and the receipt says so.
  await fs.rm(attachmentsFolder, { recursive: true, force: true });
  for (const userId of familyUsers) await ports.accounts.endSessions(userId);
  receipt.removed.mqtt.retainedTopics = await clearRetained(ports, filters);
  await ports.db.query('update privacy_receipts set detail = $2 where id = $1', [
    receipt.id,
    JSON.stringify(receipt),
  ]);
  return receipt;
}
