/**
 * The ladder's reminders and its "nobody on duty" path, over a real hub's database and bus, with
 * two more ladders on the same database driven by a clock the test moves (two hub instances, or
 * one before and one after a restart): each step and each reminder goes out once, whichever
 * instance ticks; reminders missed while no instance ran come as one; acknowledging stops them;
 * an alert that opens while nobody is on the roster goes straight to the supervisor's step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Escalation } from '../../server/alerts/escalation.ts';
import type { AlertEscalated } from '../../server/alerts/events.ts';
import type { Alert, AlertStep } from '../../server/schemas/index.ts';
import { eventually, publish } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
/** The instances tick only when the test says. */
const NEVER = 2_000_000_000;

describe('escalation reminders and the roster', () => {
  const t = suiteHub();
  let now = Date.now();
  const clock = () => new Date(now);
  const errors: unknown[] = [];
  const ladders: Escalation[] = [];
  const heard: AlertEscalated[] = [];
  let presses = 0;

  /** A ladder like another hub instance's, on the same database and bus, ticking on the test's clock. */
  async function instance(): Promise<Escalation> {
    const ladder = new Escalation(t.hub.db, t.hub.bus, (error) => errors.push(error), clock, NEVER);
    await ladder.start();
    ladders.push(ladder);
    return ladder;
  }

  async function openSos(): Promise<Alert> {
    const retiree = await t.addRetiree();
    const pendant = await t.addDevice('pendant.sos', retiree.id);
    const client = await t.connectDevice(pendant);
    presses += 1;
    await publish(client, `eldercare/v1/${pendant.device.id}/event`, {
      id: `remind-${presses}`,
      type: 'sos',
    });
    const alert = await eventually(
      async () => (await t.api<Alert[]>('GET', `/api/alerts?retireeId=${retiree.id}`)).body[0],
    );
    client.end(true);
    return alert;
  }

  const heardOf = (alert: Alert) =>
    heard.filter((event) => event.alert.id === alert.id).map((event) => [event.level, event.reminder]);

  beforeAll(async () => {
    t.hub.bus.on('alert.escalated', 'ladder-test', (event) => {
      heard.push(event);
    });
    // The hub's own ladder runs on the wall clock: these delays keep it out of the way.
    const set = await t.api('PUT', '/api/settings/escalation', {
      steps: [
        { afterSeconds: 600, notify: ['supervisor'], repeatMinutes: 5 },
        { afterSeconds: 3600, notify: ['manager'] },
      ],
    });
    expect(set.status).toBe(200);
  });

  afterAll(async () => {
    t.hub.bus.removeOwner('ladder-test');
    for (const ladder of ladders) await ladder.stop();
  });

  it('sends each step and each reminder once between two instances, and one reminder for many missed', async () => {
    const alert = await openSos();
    const opened = Date.parse(alert.openedAt);
    now = opened;
    const [first, second] = [await instance(), await instance()];
    const both = () => Promise.all([first.tick(), second.tick()]);

    now = opened + 599 * SECOND;
    await both();
    expect(heardOf(alert)).toEqual([]);
    now = opened + 601 * SECOND;
    await both();
    await both();
    expect(heardOf(alert)).toEqual([[1, 0]]);

    // Reminders count from when the step was reached.
    now += 5 * MINUTE;
    await both();
    await both();
    expect(heardOf(alert)).toEqual([
      [1, 0],
      [1, 1],
    ]);

    // No instance ran for three intervals: one reminder, not three.
    now += 15 * MINUTE + SECOND;
    await both();
    expect(heardOf(alert)).toEqual([
      [1, 0],
      [1, 1],
      [1, 4],
    ]);

    // The next step; its step carries no reminders.
    now = opened + 3601 * SECOND;
    await both();
    const restarted = await instance();
    await restarted.tick();
    now += 30 * MINUTE;
    await both();
    expect(heardOf(alert)).toEqual([
      [1, 0],
      [1, 1],
      [1, 4],
      [2, 0],
    ]);
    expect(heard.find((event) => event.alert.id === alert.id && event.level === 2)?.last).toBe(true);
    expect(errors).toEqual([]);
  });

  it('stops reminding once someone acknowledges', async () => {
    const alert = await openSos();
    const opened = Date.parse(alert.openedAt);
    // An instance ticks once as it starts: at the alert's opening.
    now = opened;
    const ladder = await instance();
    now = opened + 601 * SECOND;
    await ladder.tick();
    expect(heardOf(alert)).toEqual([[1, 0]]);
    expect((await t.api('POST', `/api/alerts/${alert.id}/ack`, {})).status).toBe(200);
    now += 60 * MINUTE;
    await ladder.tick();
    expect(heardOf(alert)).toEqual([[1, 0]]);
  });

  it('goes straight to the supervisor step when the roster has nobody on duty, and not when someone is', async () => {
    const operator = await t.addStaff('roster-operator', 'operator');
    const hour = 60 * MINUTE;
    // The centre keeps a roster: tonight's shift starts in two hours.
    const later = await t.api('POST', '/api/duty/roster', {
      userId: operator.id,
      role: 'operator',
      startsAt: new Date(Date.now() + 2 * hour).toISOString(),
      endsAt: new Date(Date.now() + 10 * hour).toISOString(),
    });
    expect(later.status).toBe(201);
    const unattended = await openSos();
    now = Date.parse(unattended.openedAt) + SECOND;
    const ladder = await instance();
    await ladder.tick();
    expect(heardOf(unattended)).toEqual([[1, 0]]);
    const steps = (await t.api<AlertStep[]>('GET', `/api/alerts/${unattended.id}/steps`)).body;
    expect(steps.find((step) => step.action === 'escalated')?.detail).toMatchObject({
      level: 1,
      nobodyOnDuty: true,
    });

    // Someone on duty now: the ladder keeps its times.
    const onDuty = await t.api('POST', '/api/duty/roster', {
      userId: operator.id,
      role: 'operator',
      startsAt: new Date(Date.now() - hour).toISOString(),
      endsAt: new Date(Date.now() + hour).toISOString(),
    });
    expect(onDuty.status).toBe(201);
    const attended = await openSos();
    now = Date.parse(attended.openedAt) + SECOND;
    await ladder.tick();
    expect(heardOf(attended)).toEqual([]);
    now = Date.parse(attended.openedAt) + 601 * SECOND;
    await ladder.tick();
    expect(heardOf(attended)).toEqual([[1, 0]]);
  });
});
