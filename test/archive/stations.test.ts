/**
 * Role-aware records: a caseworker assigned to a station sees that station's retirees and nothing of
 * the others (archive, live wall, visits, work list, import); a manager sees the centre. And 孤老 is
 * one fact: the archive's living situation `alone`, which the visits module's flag reads and writes.
 */
import ExcelJS from 'exceljs';
import { io, type Socket } from 'socket.io-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { centreDay } from '../../server/calendar.ts';
import type { Alert } from '../../server/schemas/alerts.ts';
import type { User } from '../../server/schemas/auth.ts';
import type { ServerToClientEvents } from '../../server/schemas/live.ts';
import type { LivingFlags, VisitTask } from '../../server/schemas/visits.ts';
import type { WorkList } from '../../server/schemas/worklist.ts';
import { eventually, publish } from '../helpers/hub.ts';
import { suiteHub } from '../helpers/suite.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface ListBody {
  total: number;
  items: { id: string; name: string; station: string }[];
}

describe('station-scoped caseworkers and the one 孤老 flag', () => {
  const t = suiteHub();
  const ids: Record<string, string> = {};
  let east: { id: string; token: string };
  let west: { id: string; token: string };
  let roaming: { id: string; token: string };
  let supervisor: { id: string; token: string };
  /** A full record opened as `token` (the admin's unless given), with the reason the archive asks for. */
  const openRecord = <T = unknown>(id: string, token?: string) =>
    t.api<T>('GET', `/api/archive/retirees/${id}?reason=核对信息`, undefined, token);

  beforeAll(async () => {
    ids.east1 = await t.addArchiveRetiree('东站甲', '东站');
    ids.east2 = await t.addArchiveRetiree('东站乙', '东站');
    ids.west1 = await t.addArchiveRetiree('西站甲', '西站');
    east = await t.addStaff('cw.east', 'caseworker', '东站');
    west = await t.addStaff('cw.west', 'caseworker', '西站');
    roaming = await t.addStaff('cw.all', 'caseworker');
    supervisor = await t.addStaff('sup.zhao', 'supervisor');
  });

  it('keeps the station on the account, and only the admin changes it', async () => {
    const me = await t.api<{ user: User }>('GET', '/api/auth/me', undefined, east.token);
    expect(me.status).toBe(200);
    const staff = await t.api<User[]>('GET', '/api/users');
    expect(staff.body.find((user) => user.username === 'cw.east')?.station).toBe('东站');
    expect(staff.body.find((user) => user.username === 'cw.all')?.station).toBeNull();
    const bySupervisor = await t.api(
      'PATCH',
      `/api/users/${roaming.id}`,
      { station: '西站' },
      supervisor.token,
    );
    expect(bySupervisor.status).toBe(403);
    const empty = await t.api('PATCH', `/api/users/${roaming.id}`, {});
    expect(empty.status).toBe(400);
    const moved = await t.api<User>('PATCH', `/api/users/${roaming.id}`, { station: '  西站 ' });
    expect(moved.status).toBe(200);
    expect(moved.body.station).toBe('西站');
    const back = await t.api<User>('PATCH', `/api/users/${roaming.id}`, { station: null });
    expect(back.body.station).toBeNull();
    expect(
      (await t.api('PATCH', '/api/users/00000000-0000-4000-8000-000000000000', { station: 'x' })).status,
    ).toBe(404);
  });

  it('lists the archive of their own station only, whatever the filter asks', async () => {
    const mine = await t.api<ListBody>('GET', '/api/archive/retirees', undefined, east.token);
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((item) => item.name).sort()).toStrictEqual(['东站乙', '东站甲']);
    const asked = await t.api<ListBody>('GET', '/api/archive/retirees?station=西站', undefined, east.token);
    expect(asked.body.items.map((item) => item.name).sort()).toStrictEqual(['东站乙', '东站甲']);
    const centre = await t.api<ListBody>('GET', '/api/archive/retirees', undefined, supervisor.token);
    expect(centre.body.total).toBeGreaterThanOrEqual(3);
    const unassigned = await t.api<ListBody>('GET', '/api/archive/retirees', undefined, roaming.token);
    expect(unassigned.body.total).toBe(centre.body.total);
  });

  it('answers 404 for another station’s record, read or change, and logs nothing for it', async () => {
    expect((await openRecord(ids.west1!, east.token)).status).toBe(404);
    expect((await openRecord(ids.east1!, east.token)).status).toBe(200);
    const change = await t.api(
      'PATCH',
      `/api/archive/retirees/${ids.west1}`,
      { phone: '13900000000' },
      east.token,
    );
    expect(change.status).toBe(404);
    const after = await openRecord<{ phone: string }>(ids.west1!);
    expect(after.body.phone).toBe('');
    const history = await t.api(
      'GET',
      `/api/archive/retirees/${ids.west1}/history?reason=核对`,
      undefined,
      east.token,
    );
    expect(history.status).toBe(404);
    expect((await t.api('GET', `/api/retirees/${ids.west1}`, undefined, east.token)).status).toBe(404);
    expect((await t.api('GET', `/api/retirees/${ids.west1}`, undefined, west.token)).status).toBe(200);
  });

  it('shows the live wall of their station only', async () => {
    const wall = await t.api<{ id: string }[]>('GET', '/api/retirees', undefined, east.token);
    expect(wall.body.map((row) => row.id).sort()).toStrictEqual([ids.east1, ids.east2].sort());
    const all = await t.api<{ id: string }[]>('GET', '/api/retirees', undefined, supervisor.token);
    expect(all.body.map((row) => row.id)).toContain(ids.west1);
  });

  it('scopes visits and the work list to the station', async () => {
    // The centre's date (Asia/Shanghai): the UTC date is the day before from 16:00 UTC.
    const today = centreDay(new Date());
    for (const retireeId of [ids.east1, ids.west1]) {
      const task = await t.api('POST', '/api/visits/tasks', {
        retireeId,
        title: '节前走访',
        dueOn: today,
        assigneeId: roaming.id,
      });
      expect(task.status).toBe(201);
    }
    const eastTasks = await t.api<VisitTask[]>('GET', '/api/visits/tasks', undefined, east.token);
    expect(new Set(eastTasks.body.map((task) => task.retireeId))).toStrictEqual(new Set([ids.east1]));
    const westTask = (await t.api<VisitTask[]>('GET', `/api/visits/tasks?retireeId=${ids.west1}`)).body[0];
    expect((await t.api('GET', `/api/visits/tasks/${westTask?.id}`, undefined, east.token)).status).toBe(404);
    const foreign = await t.api(
      'POST',
      '/api/visits/tasks',
      { retireeId: ids.west1, title: '越站任务', dueOn: today },
      east.token,
    );
    expect(foreign.status).toBe(404);

    // The same person moved to 东站 sees 东站 items on their work list only.
    await t.api('PATCH', `/api/users/${roaming.id}`, { station: '东站' });
    const list = await t.api<WorkList>('GET', `/api/worklist?date=${today}`, undefined, roaming.token);
    expect(list.status).toBe(200);
    const retirees = new Set(list.body.items.map((item) => item.retireeId));
    expect(retirees.has(ids.east1!)).toBe(true);
    expect(retirees.has(ids.west1!)).toBe(false);
    await t.api('PATCH', `/api/users/${roaming.id}`, { station: null });
    const whole = await t.api<WorkList>('GET', `/api/worklist?date=${today}`, undefined, roaming.token);
    expect(new Set(whole.body.items.map((item) => item.retireeId)).has(ids.west1!)).toBe(true);
  });

  it('imports only their own station’s retirees: a blank station is theirs, another is refused', async () => {
    const workbook = new ExcelJS.Workbook();
    const template = await fetch(`${t.url}/api/archive/import/template`, {
      headers: { authorization: `Bearer ${east.token}` },
    });
    expect(template.status).toBe(200);
    await workbook.xlsx.load((await template.arrayBuffer()) as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const headers = (sheet.getRow(1).values as unknown[]).map((value) => String(value ?? ''));
    const column = (label: string) => headers.indexOf(label);
    const put = (row: number, label: string, value: string) => {
      sheet.getRow(row).getCell(column(label)).value = value;
    };
    put(2, '姓名', '导入甲');
    put(2, '性别', '男');
    put(2, '出生日期', '1941-02-03');
    put(2, '职级', '团级');
    put(3, '姓名', '导入乙');
    put(3, '性别', '男');
    put(3, '出生日期', '1941-02-04');
    put(3, '职级', '团级');
    put(3, '所属站点', '西站');
    const post = async (body: Buffer) =>
      fetch(`${t.url}/api/archive/import`, {
        method: 'POST',
        headers: { authorization: `Bearer ${east.token}`, 'content-type': XLSX },
        body,
      });
    const refused = await post(Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(refused.status).toBe(422);
    const report = (await refused.json()) as { errors: { row: number; field: string; message: string }[] };
    expect(report.errors).toStrictEqual([
      { row: 3, column: '所属站点', field: 'station', message: '只能导入本站点（东站）的老人' },
    ]);
    sheet.spliceRows(3, 1);
    const accepted = await post(Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(accepted.status).toBe(201);
    const mine = await t.api<ListBody>('GET', '/api/archive/retirees?q=导入甲', undefined, east.token);
    expect(mine.body.items).toMatchObject([{ name: '导入甲', station: '东站' }]);
  });

  it('keeps 孤老 in one place: the visits flag writes the archive, the archive drives the focus visit', async () => {
    const id = ids.east2!;
    const flagged = await t.api<LivingFlags>('PATCH', `/api/visits/retirees/${id}/flags`, { solitary: true });
    expect(flagged.status).toBe(200);
    expect(flagged.body.solitary).toBe(true);
    expect(flagged.body.focusTask).not.toBeNull();
    const record = await openRecord<{ livingSituation: string }>(id);
    expect(record.body.livingSituation).toBe('alone');
    const history = await t.api<{ field: string; newValue: string | null }[]>(
      'GET',
      `/api/archive/retirees/${id}/history?reason=核对`,
    );
    expect(history.body[0]).toMatchObject({ field: 'livingSituation', newValue: 'alone' });

    // The archive edit moves them in with family: no longer 孤老, the focus visit is cancelled.
    const moved = await t.api('PATCH', `/api/archive/retirees/${id}`, { livingSituation: 'with_family' });
    expect(moved.status).toBe(200);
    const after = await t.api<LivingFlags>('GET', `/api/visits/retirees/${id}/flags`);
    expect(after.body).toMatchObject({ solitary: false, focusTask: null });

    // And back to living alone through the archive: the focus visit opens again.
    await t.api('PATCH', `/api/archive/retirees/${id}`, { livingSituation: 'alone' });
    const again = await t.api<LivingFlags>('GET', `/api/visits/retirees/${id}/flags`);
    expect(again.body.solitary).toBe(true);
    expect(again.body.focusTask?.reason).toBe('focus');

    // A record opened as long bedridden has its focus visit from the start.
    const bedridden = await t.addArchiveRetiree('卧床老人', '东站', { bedridden: true });
    const flags = await t.api<LivingFlags>('GET', `/api/visits/retirees/${bedridden}/flags`);
    expect(flags.body.focusTask?.reason).toBe('focus');
  });

  it('sends a station-bound caseworker the live alerts of their station, and none of another', async () => {
    const socket: Socket<ServerToClientEvents> = io(t.url, {
      auth: { token: east.token },
      transports: ['websocket'],
      reconnection: false,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const seen: Alert[] = [];
    socket.on('alert', ({ alert }) => seen.push(alert));
    try {
      for (const [retireeId, event] of [
        [ids.west1, 'west-sos'],
        [ids.east1, 'east-sos'],
      ] as const) {
        const pendant = await t.addDevice('pendant.sos', retireeId ?? null);
        const client = await t.connectDevice(pendant);
        await publish(client, `eldercare/v1/${pendant.device.id}/event`, { id: event, type: 'sos' });
      }
      await eventually(() => seen.some((alert) => alert.retireeId === ids.east1), 10_000);
      // The west alert opened first, and its station was asked of the records database before its
      // PUBACK; the east alert was stored after that answer (the database answers one query at a
      // time, in order) and reached the socket after it: had the west alert been sent here, it
      // would be here already.
      expect(seen.every((alert) => alert.retireeId === ids.east1)).toBe(true);
    } finally {
      socket.close();
    }
  });
});
