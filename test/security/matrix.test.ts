/**
 * Who may do what, asked of one running hub: every route it registers (read from its own OpenAPI
 * document) × every kind of caller × the caller's own retiree and another one, over HTTP; and the
 * live channel's events for every kind of caller when alerts open for its own and another retiree.
 * The expected answers come from what the hub declared of each route (`app.accessRoutes`: its
 * access, and where it names a retiree) and from the one table of roles, server/access/policy.ts,
 * which the dashboard reads too (6.11.2.2: staff retrieve and update records only as authorised;
 * 6.11.2.4: families see their own relative).
 *
 * Long on purpose: one hub and its callers serve every sweep, and the sweeps share how a request is
 * built for a route.
 *
 * A refused caller gets 401 (anonymous), 403 (a role without access) or 404 (a station's caseworker
 * reaching another station's retiree, a family reaching another family's relative). Refused calls
 * carry a valid request, so that nothing but the access decision stops them; allowed callers send
 * an invalid body and get 400, so the sweep changes nothing, which a snapshot of records confirms.
 */
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mayAccess } from '../../server/access/policy.ts';
import { hashToken } from '../../server/auth/secrets.ts';
import type { Alert, Retiree, WatchAnswer } from '../../server/schemas/index.ts';
import { eventually, publish } from '../helpers/hub.ts';
import { connectLive, type Live, watchLive } from '../helpers/live.ts';
import { suiteHub } from '../helpers/suite.ts';
import { CALLERS, type Caller, type Expected, expected, OPEN_GAPS, type Rule, SWEEP_SKIP } from './policy.ts';
import { INVALID_BODY, NO_SUCH_ID, type Operation, operationsOf, validValue } from './requests.ts';

type Side = 'own' | 'other';

const OWN_STATION = '一站';
const OTHER_STATION = '二站';

/** Every event one socket received, in order, with the retiree it concerns. */
interface Heard {
  event: 'alert' | 'reading' | 'device' | 'familyAlert';
  retireeId: string | null;
  alertId?: string;
}

function listen(socket: Live): Heard[] {
  const heard: Heard[] = [];
  socket.on('alert', ({ alert }) =>
    heard.push({ event: 'alert', retireeId: alert.retireeId, alertId: alert.id }),
  );
  socket.on('readings', (batch) => {
    for (const { retireeId } of batch) heard.push({ event: 'reading', retireeId });
  });
  socket.on('device', ({ retireeId }) => heard.push({ event: 'device', retireeId }));
  socket.on('familyAlert', ({ alert }) =>
    heard.push({ event: 'familyAlert', retireeId: null, alertId: alert.id }),
  );
  return heard;
}

describe('who may do what', () => {
  const t = suiteHub();
  let own: Retiree;
  let other: Retiree;
  const tokens = {} as Record<Caller, string | null>;
  let otherFamilyToken: string;
  const alerts = {} as Record<Side, Alert>;
  const sockets: Live[] = [];
  const heard = new Map<string, Heard[]>();
  const watchAnswers = new Map<string, WatchAnswer>();
  let refusedSockets: Record<string, string>;
  /** Tokens no request may pass with: made up, signed out, expired. */
  const deadTokens: Record<string, string> = {};

  async function openAlert(retiree: Retiree): Promise<Alert> {
    const device = await t.addDevice('pendant.sos', retiree.id);
    const client = await t.connectDevice(device);
    await publish(client, `eldercare/v1/${device.device.id}/telemetry`, { battery: 87 });
    await publish(client, `eldercare/v1/${device.device.id}/event`, { id: `sos-${retiree.id}`, type: 'sos' });
    // The green key too: a service request (6.12) of this retiree.
    await publish(client, `eldercare/v1/${device.device.id}/event`, {
      id: `svc-${retiree.id}`,
      type: 'service_request',
    });
    return eventually(async () => {
      const list = await t.api<Alert[]>('GET', `/api/alerts?retireeId=${retiree.id}`);
      return list.body[0];
    });
  }

  async function refusedConnection(token: string | undefined): Promise<string> {
    try {
      const socket = await connectLive(t.url, token);
      socket.close();
      return 'connected';
    } catch (error) {
      return (error as Error).message;
    }
  }

  beforeAll(async () => {
    own = await t.addRetiree();
    other = await t.addRetiree();
    for (const [retiree, station] of [
      [own, OWN_STATION],
      [other, OTHER_STATION],
    ] as const) {
      const placed = await t.api('PATCH', `/api/archive/retirees/${retiree.id}`, { station, rank: '团级' });
      if (placed.status !== 200) throw new Error(`station not set: ${JSON.stringify(placed.body)}`);
    }
    tokens.anonymous = null;
    tokens.admin = t.token;
    tokens.operator = (await t.addStaff('matrix.operator', 'operator')).token;
    tokens.caseworker = (await t.addStaff('matrix.caseworker', 'caseworker', OWN_STATION)).token;
    tokens.caseworkerAll = (await t.addStaff('matrix.caseworker.all', 'caseworker')).token;
    tokens.supervisor = (await t.addStaff('matrix.supervisor', 'supervisor')).token;
    tokens.family = await t.addFamily(own, 'matrix.family.own');
    otherFamilyToken = await t.addFamily(other, 'matrix.family.other');

    // Sessions the live channel must refuse: none, a made-up one, one signed out, one expired.
    const signedOut = (await t.addStaff('matrix.signed.out', 'operator')).token;
    expect((await t.api('POST', '/api/auth/logout', undefined, signedOut)).status).toBeLessThan(300);
    const expired = (await t.addStaff('matrix.expired', 'operator')).token;
    await t.hub.db.query(
      `update sessions set expires_at = now() - interval '1 minute' where token_hash = $1`,
      [hashToken(expired)],
    );
    deadTokens.madeUp = 'not-a-session-token';
    deadTokens.signedOut = signedOut;
    deadTokens.expired = expired;
    refusedSockets = {
      none: await refusedConnection(undefined),
      madeUp: await refusedConnection('not-a-session-token'),
      signedOut: await refusedConnection(signedOut),
      expired: await refusedConnection(expired),
    };

    // Every signed-in caller listens, and first tries to put itself in other rooms.
    const listeners: [string, string][] = [
      ...CALLERS.filter((caller) => caller !== 'anonymous').map(
        (c) => [c, tokens[c] as string] as [string, string],
      ),
      ['familyOther', otherFamilyToken],
    ];
    for (const [name, token] of listeners) {
      const socket = await connectLive(t.url, token);
      sockets.push(socket);
      heard.set(name, listen(socket));
      for (const room of ['staff', `family:${other.id}`, `family:${own.id}`, 'station:二站']) {
        const untyped = socket as unknown as Socket;
        untyped.emit('join', room);
        untyped.emit('subscribe', { room });
      }
      // And asks for both retirees' readings, as a wall showing both would.
      watchAnswers.set(name, await watchLive(socket, { retirees: [own.id, other.id] }));
    }

    // Own retiree's alert opens, then the other's; the other's is acknowledged, then the own one:
    // each socket's last expected event comes after every event it must not receive.
    alerts.own = await openAlert(own);
    alerts.other = await openAlert(other);
    for (const side of ['other', 'own'] as const) {
      const ack = await t.api('POST', `/api/alerts/${alerts[side].id}/ack`, {});
      if (ack.status !== 200) throw new Error(`ack failed: ${JSON.stringify(ack.body)}`);
    }
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
  });

  describe('over socket.io', () => {
    it('refuses a socket without a live session', () => {
      expect(refusedSockets).toStrictEqual({
        none: 'unauthorized',
        madeUp: 'unauthorized',
        signedOut: 'unauthorized',
        expired: 'unauthorized',
      });
    });

    /** What each listener must receive: [event, side] pairs, in the order they happen. */
    const staffBoth: [Heard['event'], Side][] = [
      ['alert', 'own'],
      ['alert', 'other'],
      ['alert', 'other'],
      ['alert', 'own'],
    ];
    const expectations: Record<string, [Heard['event'], Side][]> = {
      admin: staffBoth,
      supervisor: staffBoth,
      operator: staffBoth,
      caseworkerAll: staffBoth,
      // A station's caseworker: its own station's alerts (the room of its station), nothing of another.
      caseworker: [
        ['alert', 'own'],
        ['alert', 'own'],
      ],
      // A family: its relative's alerts in the family's shape, never a staff event.
      family: [
        ['familyAlert', 'own'],
        ['familyAlert', 'own'],
      ],
      familyOther: [
        ['familyAlert', 'other'],
        ['familyAlert', 'other'],
      ],
    };

    for (const [name, wanted] of Object.entries(expectations)) {
      it(`sends ${name} exactly its events, whatever rooms it asked for`, async () => {
        const sideOf = (h: Heard) =>
          h.retireeId === own.id || h.alertId === alerts.own.id
            ? 'own'
            : h.retireeId === other.id || h.alertId === alerts.other.id
              ? 'other'
              : String(h.retireeId);
        const want = wanted.map(([event, side]) => `${event}:${side}`);
        const received = () => (heard.get(name) ?? []).map((h) => `${h.event}:${sideOf(h)}`);
        const alertsHeard = () =>
          received().filter((r) => r.startsWith('alert:') || r.startsWith('familyAlert:'));
        // Wait for the last event it must get: everything it must not get was sent before that (and
        // a listener expecting nothing is checked after every other socket got its events, which
        // the server wrote in the same emit).
        await eventually(() => alertsHeard().length >= want.length || undefined).catch(() => undefined);
        expect(alertsHeard()).toStrictEqual(want);
        if (!name.startsWith('family')) {
          // Readings come to a screen that asked for them; a station's caseworker gets its own
          // station's alone. Both sides' readings went out in the same batch.
          expect(watchAnswers.get(name)).toStrictEqual({ ok: true, retirees: 2, devices: 0 });
          await eventually(() => received().includes('reading:own') || undefined);
          if (name !== 'caseworker')
            await eventually(() => received().includes('reading:other') || undefined);
        } else {
          expect(watchAnswers.get(name)).toMatchObject({ ok: false });
        }
        if (!['admin', 'supervisor', 'operator', 'caseworkerAll'].includes(name)) {
          const foreign = name === 'familyOther' ? ':own' : ':other';
          expect(received().filter((r) => r.endsWith(foreign))).toStrictEqual([]);
        }
        if (name.startsWith('family')) {
          const staffEvents = (heard.get(name) ?? []).filter((h) => h.event !== 'familyAlert');
          expect(staffEvents).toStrictEqual([]);
        }
      });
    }
  });

  describe('over HTTP', () => {
    let operations: Operation[];
    /** What the running hub declared of each route, by `METHOD /path`. */
    const declared: Record<string, Rule> = {};

    beforeAll(async () => {
      const document = await t.api<Parameters<typeof operationsOf>[0]>('GET', '/docs/json', undefined, null);
      operations = operationsOf(document.body);
      for (const { method, url, ...declaration } of t.hub.app.accessRoutes) {
        const route = `${method} ${url}`;
        const sweepSkip = SWEEP_SKIP[route];
        declared[route] = { ...declaration, ...(sweepSkip !== undefined ? { sweepSkip } : {}) };
      }
    });

    it('declares the access of every route it documents, and documents every route it declares', () => {
      const documented = operations.map((o) => o.route);
      expect(documented.length).toBeGreaterThan(200);
      expect(
        documented.filter((route) => !(route in declared)),
        'documented routes the hub declared no access for',
      ).toStrictEqual([]);
      expect(
        Object.keys(declared).filter((route) => !documented.includes(route)),
        'declared routes missing from /docs/json, which the sweep would not reach',
      ).toStrictEqual([]);
      expect(
        Object.keys(SWEEP_SKIP).filter((route) => !(route in declared)),
        'sweep exceptions for routes the hub no longer has',
      ).toStrictEqual([]);
    });

    function request(operation: Operation, rule: Rule, side: Side, valid: boolean, retireeId?: string) {
      const retiree = side === 'own' ? own : other;
      const ids: Record<string, string> = {
        retireeId: retireeId ?? retiree.id,
        contactId: retiree.contacts[0]?.id ?? '',
      };
      const pathIds: Record<string, string> = { contactId: ids.contactId as string };
      if (rule.retiree === 'path') pathIds[rule.retireeParam ?? 'id'] = retiree.id;
      if (rule.retiree === 'alert') pathIds.id = alerts[side].id;
      let path = operation.path;
      for (const { name, schema } of operation.pathParams) {
        const value = pathIds[name] ?? String(validValue(schema, {}, name));
        path = path.replace(`:${name}`, encodeURIComponent(value));
      }
      const query = operation.query
        .filter((q) => q.required || q.name === 'reason')
        .map((q) => `${q.name}=${encodeURIComponent(String(validValue(q.schema, ids, q.name)))}`);
      if (query.length) path += `?${query.join('&')}`;
      const body = operation.body
        ? valid
          ? JSON.stringify(validValue(operation.body, ids))
          : INVALID_BODY
        : undefined;
      return { path, body };
    }

    function verdict(want: Expected, status: number): boolean {
      if (want === 'allowed') return status !== 401 && status !== 403 && status < 500;
      return status === want;
    }

    async function snapshot(): Promise<string> {
      const reads = [
        '/api/retirees',
        `/api/retirees/${own.id}`,
        `/api/retirees/${other.id}`,
        `/api/archive/retirees/${other.id}`,
        `/api/retirees/${other.id}/consents`,
        `/api/retirees/${own.id}/family-accounts`,
        `/api/retirees/${other.id}/contacts/${other.contacts[0]?.id}/channels`,
        `/api/visits/retirees/${other.id}/flags`,
        `/api/medical/records/${other.id}`,
        '/api/users',
        '/api/benefits',
        '/api/benefit-cards',
        '/api/visits/tasks',
        '/api/visits/records',
        '/api/care/arrangements',
        '/api/bereavement',
        '/api/duty/roster',
        '/api/intake/cases',
        '/api/evaluation/feedback',
        '/api/contributions/register',
        '/api/contributions/oral-histories',
        '/api/abroad/requests',
        '/api/abroad/stays',
        '/api/medical/out-of-town',
        '/api/reception/items',
        '/api/activities/events',
      ];
      const answers = [];
      for (const path of reads) answers.push([path, withoutReadings((await t.api('GET', path)).body)]);
      return JSON.stringify(answers);
    }

    /**
     * A list's devices without what they last reported (battery, last seen, online, heart rate):
     * readings the devices' own messages keep writing, which no request of the sweep may change.
     */
    function withoutReadings(body: unknown): unknown {
      if (!Array.isArray(body)) return body;
      return body.map((row) => {
        if (typeof row !== 'object' || row === null || !('devices' in row)) return row;
        const { hr: _hr, hrAt: _hrAt, devices, ...rest } = row as Record<string, unknown>;
        const ids = Array.isArray(devices)
          ? devices.map((device) => ({ id: device.id, type: device.type }))
          : devices;
        return { ...rest, devices: ids };
      });
    }

    it('answers every route × caller × own/other retiree as the policy says, and changes nothing', async () => {
      const before = await snapshot();
      const wrong: string[] = [];
      let checked = 0;
      const skipped: string[] = [];
      for (const operation of operations) {
        const rule = declared[operation.route];
        if (!rule) continue;
        for (const caller of CALLERS) {
          const sides: Side[] = rule.retiree ? ['own', 'other'] : ['own'];
          const answers: Partial<Record<Side, number>> = {};
          for (const side of sides) {
            const want = expected(operation.route, rule, caller, side);
            if (want === 'allowed' && rule.sweepSkip) {
              skipped.push(`${operation.route} as ${caller}`);
              continue;
            }
            const { path, body } = request(operation, rule, side, want !== 'allowed');
            const answer = await t.api(operation.method, path, body, tokens[caller]);
            checked += 1;
            answers[side] = answer.status;
            // "As if it did not exist": a route that checks a body's retiree with its other fields
            // may answer 400 naming it, exactly as for a retiree nobody has.
            if (want === 404 && answer.status === 400 && rule.retiree === 'body') {
              const nobody = request(operation, rule, side, true, NO_SUCH_ID);
              const none = await t.api(operation.method, nobody.path, nobody.body, tokens[caller]);
              if (none.status === 400 && JSON.stringify(none.body) === JSON.stringify(answer.body)) continue;
            }
            // A station's caseworker reads nothing of another station's retirees in any list.
            if (
              caller === 'caseworker' &&
              operation.method === 'GET' &&
              !(operation.route in OPEN_GAPS) &&
              answer.status < 300 &&
              JSON.stringify(answer.body).includes(other.id)
            ) {
              wrong.push(`${operation.route} as caseworker (${side}): names another station's retiree`);
            }
            if (!verdict(want, answer.status)) {
              wrong.push(
                `${operation.route} as ${caller} (${side}): want ${want}, got ${answer.status} ${JSON.stringify(answer.body).slice(0, 120)}`,
              );
            }
          }
          // A readable record of its own retiree answers; only the scope turns the other one away.
          const everyIdReal = operation.pathParams.every((p) =>
            ['id', 'contactId', rule.retireeParam].includes(p.name),
          );
          if (
            rule.retiree &&
            operation.method === 'GET' &&
            everyIdReal &&
            expected(operation.route, rule, caller, 'own') === 'allowed' &&
            (answers.own ?? 200) >= 300
          ) {
            wrong.push(`${operation.route} as ${caller}: own retiree answered ${answers.own}`);
          }
        }
      }
      expect(wrong).toStrictEqual([]);
      expect(checked).toBeGreaterThan(operations.length * CALLERS.length);
      expect(skipped.length).toBeLessThan(20);
      expect(await snapshot()).toBe(before);
      console.info(
        `access matrix: ${operations.length} routes × ${CALLERS.length} callers, ${checked} requests, ${skipped.length} skipped`,
      );
    }, 300_000);

    /** Where the records a POST creates are read and changed, when not under the POST's own path. */
    const RECORD_BASES: Record<string, string> = {
      '/api/abroad/travel-requests': '/api/abroad/requests',
      '/api/abroad/post-requests': '/api/abroad/requests',
    };

    it('answers 401 to a made-up, signed-out or expired token on every route but the public ones', async () => {
      const wrong: string[] = [];
      for (const operation of operations) {
        const rule = declared[operation.route] as Rule;
        if (rule.access === 'public') continue;
        const { path, body } = request(operation, rule, 'own', true);
        for (const [kind, token] of Object.entries(deadTokens)) {
          const answer = await t.api(operation.method, path, body, token);
          if (answer.status !== 401) wrong.push(`${operation.route} with a ${kind} token: ${answer.status}`);
        }
      }
      expect(wrong).toStrictEqual([]);
    }, 120_000);

    it("turns a station's caseworker away from every record of another station's retiree", async () => {
      // Records of the other station's retiree, made by the admin from the same generated bodies.
      const records: { base: string; id: string; made: string }[] = [];
      // Recording a death last: the other records need a living retiree.
      const dyingLast = [...operations].sort(
        (a, b) => Number(a.path === '/api/bereavement') - Number(b.path === '/api/bereavement'),
      );
      for (const operation of dyingLast) {
        if (operation.method !== 'POST' || declared[operation.route]?.retiree !== 'body' || !operation.body)
          continue;
        const made = await t.api<{ id?: string }>(
          'POST',
          operation.path,
          validValue(operation.body, { retireeId: other.id, dueOn: '2027-03-02' }),
        );
        if (made.status < 300 && typeof made.body?.id === 'string') {
          records.push({
            base: RECORD_BASES[operation.path] ?? operation.path,
            id: made.body.id,
            made: operation.route,
          });
        }
      }
      const requests = await t.api<{ id: string; retireeId: string | null }[]>(
        'GET',
        '/api/service-requests',
      );
      const otherRequest = requests.body.find((entry) => entry.retireeId === other.id);
      expect(otherRequest).toBeDefined();
      records.push({ base: '/api/service-requests', id: otherRequest?.id ?? '', made: 'the 求助 key' });

      const wrong: string[] = [];
      const reached: string[] = [];
      for (const record of records) {
        const before = JSON.stringify((await t.api('GET', `${record.base}/${record.id}`)).body);
        for (const operation of operations) {
          if (!operation.path.startsWith(`${record.base}/:id`)) continue;
          const rule = declared[operation.route] as Rule;
          let path = operation.path.replace(':id', record.id);
          for (const { name, schema } of operation.pathParams) {
            if (name !== 'id') path = path.replace(`:${name}`, String(validValue(schema, {}, name)));
          }
          const query = operation.query
            .filter((q) => q.required)
            .map((q) => `${q.name}=${encodeURIComponent(String(validValue(q.schema, {}, q.name)))}`);
          if (query.length) path += `?${query.join('&')}`;
          const body = operation.body
            ? JSON.stringify(validValue(operation.body, { retireeId: other.id }))
            : undefined;
          const answer = await t.api(operation.method, path, body, tokens.caseworker);
          reached.push(operation.route);
          // A role refused the route outright gets 403 for every record alike.
          const refused = mayAccess(rule.access, 'caseworker') ? 404 : 403;
          // Or exactly what a record nobody has gets (e.g. an upload's type checked first).
          const none =
            answer.status === refused
              ? answer
              : await t.api(operation.method, path.replace(record.id, NO_SUCH_ID), body, tokens.caseworker);
          const asIfNone =
            none.status === answer.status && JSON.stringify(none.body) === JSON.stringify(answer.body);
          if (answer.status !== refused && !asIfNone) {
            wrong.push(
              `${operation.route} (${record.made}): got ${answer.status} ${JSON.stringify(answer.body).slice(0, 100)}`,
            );
          }
          // The same record is there for a caseworker of the whole centre.
          if (
            operation.method === 'GET' &&
            mayAccess(rule.access, 'caseworker') &&
            operation.pathParams.length === 1
          ) {
            const whole = await t.api(operation.method, path, undefined, tokens.caseworkerAll);
            if (whole.status >= 300)
              wrong.push(`${operation.route}: the whole centre's caseworker got ${whole.status}`);
          }
        }
        expect(JSON.stringify((await t.api('GET', `${record.base}/${record.id}`)).body), record.made).toBe(
          before,
        );
      }
      expect(wrong).toStrictEqual([]);
      console.info(`record scope: ${records.length} records of another station, ${reached.length} requests`);
      expect(reached.length).toBeGreaterThan(10);
    }, 120_000);

    it("lists nothing of another station's retiree to a station's caseworker, or of another family's relative to a family", async () => {
      // By now the other retiree has records in most modules (the test before made them).
      const wrong: string[] = [];
      let lists = 0;
      let namedToAdmin = 0;
      for (const operation of operations) {
        if (operation.method !== 'GET' || operation.pathParams.length > 0 || operation.route in OPEN_GAPS)
          continue;
        const rule = declared[operation.route] as Rule;
        const query = operation.query
          .filter((q) => q.required)
          .map((q) => `${q.name}=${encodeURIComponent(String(validValue(q.schema, {}, q.name)))}`);
        const path = query.length ? `${operation.path}?${query.join('&')}` : operation.path;
        for (const caller of ['caseworker', 'family'] as const) {
          if (expected(operation.route, rule, caller, 'own') !== 'allowed') continue;
          const answer = await t.api<unknown>('GET', path, undefined, tokens[caller]);
          lists += 1;
          const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
          if (answer.status < 300 && (text.includes(other.id) || text.includes(other.name))) {
            wrong.push(`${operation.route} as ${caller} names the other retiree`);
          }
        }
        // The check can fail: the admin's lists do name the other retiree.
        const whole = await t.api<unknown>('GET', path);
        if (whole.status < 300 && JSON.stringify(whole.body).includes(other.id)) namedToAdmin += 1;
      }
      expect(wrong).toStrictEqual([]);
      expect(lists).toBeGreaterThan(60);
      expect(namedToAdmin).toBeGreaterThan(10);
    }, 120_000);
  });
});
