/**
 * The jobs that must run once (escalation, the abroad watch, retention) run on the instance that
 * holds their lease, a PostgreSQL advisory lock. Here the lock is held by another session on the
 * hub's database, as another instance would hold it: the hub takes SOS alerts but climbs no ladder,
 * and the moment the lock is free it takes the lease and climbs what was due.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../server/schemas/index.ts';
import { eventually, metricValue, publish, startTestHub, type TestHub } from '../helpers/hub.ts';
import { type PostgresServer, startPostgres } from '../helpers/postgres.ts';

/** The jobs' lease key in server/hub.ts. */
const JOBS_LEASE_KEY = 2839_0017;

const postgres: PostgresServer | null = await startPostgres();
afterAll(async () => postgres?.stop());

describe.skipIf(postgres === null)('the jobs that must run once, under a lease', () => {
  let t: TestHub;
  let holder: pg.Client;

  beforeAll(async () => {
    const url = await (postgres as PostgresServer).createDatabase();
    holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query('select pg_advisory_lock($1)', [JOBS_LEASE_KEY]);
    t = await startTestHub({ HUB_DATABASE_URL: url });
  });
  afterAll(async () => {
    await holder?.end().catch(() => {});
    await t?.stop();
  });

  it('climbs no ladder while another holds the lease, and climbs once it is free', async () => {
    expect(await metricValue(t, 'hub_jobs_lease_held')).toBe(0);
    const ladder = await t.api('PUT', '/api/settings/escalation', {
      steps: [{ afterSeconds: 1, notify: ['supervisor'] }],
    });
    expect(ladder.status).toBe(200);
    // The ladder is read from the records, whoever holds the lease.
    expect((await t.api('GET', '/api/settings/escalation')).body).toStrictEqual([
      { level: 1, afterSeconds: 1, notify: ['supervisor'] },
    ]);

    const retiree = await t.addRetiree();
    const pendant = await t.addDevice('pendant.sos', retiree.id);
    const client = await t.connectDevice(pendant);
    try {
      await publish(client, `eldercare/v1/${pendant.device.id}/event`, { id: 'lease-1', type: 'sos' });
      const opened = await eventually(
        async () => (await t.api<Alert[]>('GET', `/api/alerts?retireeId=${retiree.id}`)).body[0],
      );
      // Past its first step and two passes of the ladder, it is still at the foot.
      await eventually(() => Date.now() >= Date.parse(opened.openedAt) + 3_000, 10_000);
      expect((await t.api<Alert>('GET', `/api/alerts/${opened.id}`)).body.escalationLevel).toBe(0);

      await holder.query('select pg_advisory_unlock($1)', [JOBS_LEASE_KEY]);
      await eventually(async () => (await metricValue(t, 'hub_jobs_lease_held')) === 1);
      await eventually(
        async () => (await t.api<Alert>('GET', `/api/alerts/${opened.id}`)).body.escalationLevel === 1,
      );
    } finally {
      await client.endAsync();
    }
  });
});
