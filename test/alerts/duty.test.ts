import { describe, expect, it } from 'vitest';
import type { Alert, DutyNow, DutyShift, HandoverNote } from '../../server/schemas/index.ts';
import { eventually, publish } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';

describe('24-hour duty: roster and hand-over (5.1.7)', () => {
  const t = suiteHub();

  it('puts staff on the roster and refuses impossible shifts', async () => {
    const operator = await t.api<{ id: string }>('POST', '/api/users', {
      username: 'night1',
      displayName: '夜班值班员',
      role: 'operator',
      password: 'password-123',
    });
    const now = Date.now();
    const shift = await t.api<DutyShift>('POST', '/api/duty/roster', {
      userId: operator.body.id,
      startsAt: new Date(now - 3_600_000).toISOString(),
      endsAt: new Date(now + 11 * 3_600_000).toISOString(),
    });
    expect(shift.status).toBe(201);
    expect(shift.body).toMatchObject({ displayName: '夜班值班员', role: 'operator' });
    const bad = [
      {
        userId: operator.body.id,
        startsAt: new Date(now).toISOString(),
        endsAt: new Date(now - 1000).toISOString(),
      },
      {
        userId: operator.body.id,
        startsAt: new Date(now).toISOString(),
        endsAt: new Date(now + 30 * 3_600_000).toISOString(),
      },
      {
        userId: 'nobody',
        startsAt: new Date(now).toISOString(),
        endsAt: new Date(now + 3_600_000).toISOString(),
      },
    ];
    for (const body of bad) expect((await t.api('POST', '/api/duty/roster', body)).status).toBe(400);
    const roster = await t.api<DutyShift[]>(
      'GET',
      `/api/duty/roster?from=${new Date(now - 86_400_000).toISOString()}&to=${new Date(now + 86_400_000).toISOString()}`,
    );
    expect(roster.body.map((entry) => entry.id)).toStrictEqual([shift.body.id]);
    const current = await t.api<DutyNow>('GET', '/api/duty/now');
    expect(current.body.onDuty.map((entry) => entry.displayName)).toStrictEqual(['夜班值班员']);
    expect((await t.api('DELETE', `/api/duty/roster/${shift.body.id}`)).status).toBe(204);
    expect((await t.api('DELETE', `/api/duty/roster/${shift.body.id}`)).status).toBe(404);
  });

  it('carries the active alerts over to the next shift with the hand-over note', async () => {
    const retiree = await t.addRetiree();
    const pendant = await t.addDevice('pendant.sos', retiree.id);
    const client = await t.connectDevice(pendant);
    await publish(client, `eldercare/v1/${pendant.device.id}/event`, { id: 'duty-1', type: 'sos' });
    const alert = await eventually(
      async () => (await t.api<Alert[]>('GET', `/api/alerts?retireeId=${retiree.id}`)).body[0],
    );
    await t.api('POST', `/api/alerts/${alert.id}/actions`, { action: 'sent_staff', note: '已派护工上门' });

    const note = await t.api<HandoverNote>('POST', '/api/duty/handover', {
      text: '3号楼赵老处理中，护工在场；请跟进。',
    });
    expect(note.status).toBe(201);
    expect(note.body.carriedAlertIds).toContain(alert.id);
    expect(note.body.author).toBe('系统管理员');

    // The next shift starts now: the in-progress alert shows as carried over.
    const now = Date.now();
    const users = await t.api<{ id: string; username: string }[]>('GET', '/api/users');
    const admin = users.body.find((user) => user.username === 'admin');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await t.api('POST', '/api/duty/roster', {
      userId: admin?.id,
      role: 'supervisor',
      startsAt: new Date(now).toISOString(),
      endsAt: new Date(now + 8 * 3_600_000).toISOString(),
    });
    const current = await t.api<DutyNow>('GET', '/api/duty/now');
    expect(current.body.lastHandover?.id).toBe(note.body.id);
    const carried = current.body.carriedOver.find((entry) => entry.id === alert.id);
    expect(carried?.status).toBe('in_progress');
    const history = await t.api<HandoverNote[]>('GET', '/api/duty/handover');
    expect(history.body[0]?.text).toBe('3号楼赵老处理中，护工在场；请跟进。');
  });
});
