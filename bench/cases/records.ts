/**
 * Case 5, records: list and search over 10,000 retirees (archive list, search, filters, the live
 * wall in full and a page at a time, visit tasks, the work list) and the alert list over many
 * alerts, through the real HTTP API of a hub on loopback with its PGlite database. Goal: p95 ≤ 50 ms
 * per endpoint.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config.ts';
import type { Queryable } from '../../server/db/database.ts';
import { createLogger, startHub } from '../../server/hub.ts';
import { seedManyRetirees } from '../../test/helpers/seed.ts';
import type { BenchCase, BenchOptions, BenchRow } from '../harness.ts';
import { measure } from '../harness.ts';

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗';
const GIVEN = '建国志刚卫东国庆秀英桂兰德明振华玉珍文华淑芬光明永红';
const P95_GOAL_MS = 50;

export async function seed(
  db: Queryable,
  retirees: number,
  alerts: number,
  log: (line: string) => void,
): Promise<{ staffId: string }> {
  const started = performance.now();
  await seedManyRetirees(db, retirees, {
    centre: '压测中心',
    stations: 8,
    name: (i) =>
      `${SURNAMES[i % SURNAMES.length]}${GIVEN[(i * 7) % GIVEN.length]}${GIVEN[(i * 13 + 1) % GIVEN.length]}${i}`,
  });
  const [staff] = (await db.query(`select id from users where role = 'admin' limit 1`)) as { id: string }[];
  const staffId = staff?.id as string;
  // Two visit tasks per retiree over a year, as a centre has them: those due before today mostly done,
  // a third assigned to the admin; the work list then holds what opened in the last two weeks.
  await db.query(
    `insert into visit_tasks (id, retiree_id, reason, title, opens_on, due_on, assignee_id, status)
     select gen_random_uuid(), r.id, 'other', '日常走访', due - 14, due,
            case when n % 3 = 0 then $1::uuid end,
            case when due < current_date and n % 50 <> 0 then 'done' else 'open' end
       from (select id, row_number() over (order by id) as n from retirees) r,
            generate_series(0, 1) k,
            lateral (select current_date + ((n * 7 + k * 180) % 365)::int - 30 as due) d`,
    [staffId],
  );
  log(
    `  seeded ${retirees} retirees and ${retirees * 2} visit tasks in ${Math.round(performance.now() - started)} ms`,
  );

  if (alerts > 0) {
    const alertStart = performance.now();
    await db.query(
      `insert into devices (id, type, retiree_id, secret_hash)
       select 'bench-' || n, 'watch', id, 'x' from (select id, row_number() over (order by id) as n from retirees) r`,
    );
    const batch = 100_000;
    for (let done = 0; done < alerts; done += batch) {
      const count = Math.min(batch, alerts - done);
      await db.query(
        `insert into alerts (id, retiree_id, device_id, kind, severity, status, subject, opened_at, last_at, resolved_at, outcome)
         select gen_random_uuid(), r.id, 'bench-' || r.n,
                (array['sos','fall','hr_high','device_offline','battery_low'])[1 + g % 5],
                (array['critical','critical','high','medium','low'])[1 + g % 5],
                'resolved', '压测告警', t, t, t + interval '3 minutes', 'test'
           from generate_series($1::int, $2::int) g
           join (select id, row_number() over (order by id) as n from retirees) r on r.n = 1 + g % $3::int
           cross join lateral (select now() - (g || ' minutes')::interval as t) times`,
        [done + 1, done + count, retirees],
      );
    }
    log(
      `  seeded ${alerts.toLocaleString('en-US')} alerts in ${Math.round(performance.now() - alertStart)} ms`,
    );
  }
  return { staffId };
}

export const recordsCase: BenchCase = {
  name: 'records',
  title: 'Records: list and search over 10,000 retirees and many alerts (p95 ≤ 50 ms)',
  async run(options: BenchOptions): Promise<BenchRow[]> {
    const retirees = Number(options.settings.retirees ?? 10_000);
    const alerts = Number(options.settings.alerts ?? 1_000_000);
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'junxiu-bench-'));
    const password = 'bench-admin-password';
    const config = loadConfig({
      HUB_DATA_DIR: dataDir,
      HUB_HTTP_PORT: '0',
      HUB_HTTP_HOST: '127.0.0.1',
      HUB_MQTT_PORT: '0',
      HUB_MQTT_HOST: '127.0.0.1',
      HUB_ADMIN_PASSWORD: password,
      HUB_LOG_LEVEL: 'silent',
      // The bench signs in with a password; a real hub asks its admins for a TOTP code too.
      HUB_ADMIN_TOTP_REQUIRED: 'false',
    });
    const hub = await startHub(config, createLogger('silent'));
    try {
      await seed(hub.db, retirees, alerts, options.log);
      const login = await fetch(`${hub.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
      if (login.status !== 200)
        throw new Error(`admin sign-in refused: ${login.status} ${await login.text()}`);
      const { token } = (await login.json()) as { token: string };
      const headers = { authorization: `Bearer ${token}` };
      const get = (url: string) => async () => {
        const response = await fetch(`${hub.url}${url}`, { headers });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
      };
      const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
      const endpoints: [string, string][] = [
        ['archive list, first page by name', '/api/archive/retirees?limit=50'],
        ['archive list, page 150 by birth date', '/api/archive/retirees?limit=50&offset=7500&sort=birthDate'],
        ['archive search by name', `/api/archive/retirees?q=${encodeURIComponent('王建')}&limit=50`],
        ['archive search by phone digits', '/api/archive/retirees?q=13900004&limit=50'],
        [
          'archive filter station+living+age',
          `/api/archive/retirees?station=${encodeURIComponent('站点3')}&livingSituation=alone&ageMin=85&limit=50`,
        ],
        ['live wall, full list (all retirees)', '/api/retirees'],
        ['visit tasks, open', '/api/visits/tasks?status=open&limit=200'],
        ['work list, own, today', `/api/worklist?date=${today}`],
        ['work list, everyone, today', `/api/worklist?all=true&date=${today}`],
        ['alerts, newest 50', '/api/alerts?limit=50'],
        ['alerts, active queue', '/api/alerts?status=active'],
      ];
      const rows: BenchRow[] = [];
      for (const [label, url] of endpoints) rows.push(await measureRow(label, url));
      if (alerts > 0) {
        // A night with something going on: 40 retirees with an active alert, some acknowledged, so
        // the paged wall sorts an attention group too. Added after the rows above, which stay as before.
        await hub.db.query(
          `insert into alerts (id, retiree_id, device_id, kind, severity, status, subject, opened_at, last_at)
           select gen_random_uuid(), r.id, 'bench-' || r.n, 'sos',
                  (array['critical','high','medium','low'])[1 + r.n % 4],
                  case when r.n % 3 = 0 then 'acknowledged' else 'open' end, r.id::text, now(), now()
             from (select id, row_number() over (order by id) as n from retirees) r where r.n % 250 = 0`,
        );
      }
      const wallEndpoints: [string, string][] = [
        ['live wall, first page (120 tiles)', '/api/wall'],
        ['live wall, page 40', '/api/wall?offset=4680'],
        ['live wall, name search', `/api/wall?q=${encodeURIComponent('王建')}`],
      ];
      for (const [label, url] of wallEndpoints) rows.push(await measureRow(label, url));
      return rows;

      async function measureRow(label: string, url: string): Promise<BenchRow> {
        // One request at a time, as staff use it: PGlite answers one query at a time anyway.
        const result = await measure(get(url), { durationMs: options.durationMs, concurrency: 1 });
        options.log(
          `  ${label}: p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms, ${result.count} requests, ${result.errors} errors`,
        );
        return {
          case: 'records',
          metric: `${label} p95`,
          value: result.errors > 0 ? Number.NaN : result.p95,
          unit: 'ms',
          goal: { op: '<=', target: P95_GOAL_MS },
          note: `p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, ${result.perSecond.toFixed(0)} req/s, ${result.errors} errors`,
        };
      }
    } finally {
      await hub.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};
