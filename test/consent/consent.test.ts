import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditPage } from '../../server/schemas/audit.ts';
import type { ConsentOverview, ConsentVersion } from '../../server/schemas/consents.ts';
import type { FamilyAccount, Retiree, ServerToClientEvents } from '../../server/schemas/index.ts';
import { eventually, publish, startTestHub, type TestHub } from '../helpers/hub.ts';
import { connectLive } from '../helpers/live.ts';

type FamilyMessage = Parameters<ServerToClientEvents['familyAlert']>[0];

describe('consents per retiree, versioned; a withdrawal stops family sharing at once (PIPL)', () => {
  let t: TestHub;
  let retiree: Retiree;
  let daughterToken: string;
  let sonToken: string;
  let daughterId: string;
  let caseworker: { id: string; token: string };
  let operator: { id: string; token: string };
  const sockets: Socket[] = [];
  let sosCount = 0;

  beforeAll(async () => {
    t = await startTestHub();
    retiree = await t.addRetiree({
      name: '孙立本',
      contacts: [
        { name: '孙小梅', relation: '女儿', phone: '13800000011' },
        { name: '孙小军', relation: '儿子', phone: '13800000012' },
      ],
    });
    daughterToken = await t.addFamily(retiree, 'sun.daughter', '孙小梅');
    sonToken = await t.addFamily(retiree, 'sun.son', '孙小军');
    const accounts = await t.api<FamilyAccount[]>('GET', `/api/retirees/${retiree.id}/family-accounts`);
    daughterId = accounts.body.find((account) => account.username === 'sun.daughter')!.userId;
    caseworker = await t.addStaff('caseworker.consent', 'caseworker');
    operator = await t.addStaff('operator.consent', 'operator');
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await t?.stop();
  });

  async function follow(token: string) {
    const socket = await connectLive(t.url, token);
    sockets.push(socket);
    const seen: FamilyMessage[] = [];
    socket.on('familyAlert', (message) => seen.push(message));
    return { socket, seen };
  }

  async function sos(): Promise<void> {
    sosCount += 1;
    const device = await t.addDevice('pendant.sos', retiree.id);
    const client = await t.connectDevice(device);
    await publish(client, `eldercare/v1/${device.device.id}/event`, { id: `sos-${sosCount}`, type: 'sos' });
  }

  function record(body: Record<string, unknown>, token = caseworker.token) {
    return t.api<ConsentVersion & { error?: string; message?: string }>(
      'POST',
      `/api/retirees/${retiree.id}/consents`,
      body,
      token,
    );
  }

  it('starts with sharing given for each new family account, recorded at its creation', async () => {
    const overview = await t.api<ConsentOverview>(
      'GET',
      `/api/retirees/${retiree.id}/consents`,
      undefined,
      operator.token,
    );
    expect(overview.status).toBe(200);
    expect(overview.body.current).toHaveLength(3);
    expect(overview.body.current[0]).toMatchObject({
      kind: 'health_processing',
      state: 'given',
      version: 0,
      recorded: false,
    });
    const daughter = overview.body.current.find((entry) => entry.familyUserId === daughterId);
    expect(daughter).toMatchObject({
      kind: 'family_sharing',
      familyName: '孙小梅',
      state: 'given',
      version: 1,
      recorded: true,
    });
    expect(overview.body.history).toHaveLength(2);
    expect(overview.body.history.every((entry) => entry.recordedByName.length > 0)).toBe(true);
  });

  it('refuses bad input field by field, in Chinese, and records nothing', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ kind: 'marketing', state: 'given', basis: '签字' }, /^kind: 授权类型/],
      [{ kind: 'family_sharing', state: 'maybe', basis: '签字', familyUserId: daughterId }, /^state: /],
      [
        { kind: 'family_sharing', state: 'withdrawn', basis: '   ', familyUserId: daughterId },
        /^basis: 请填写记录依据/,
      ],
      [
        { kind: 'family_sharing', state: 'withdrawn', basis: '电话' },
        /^familyUserId: 与家属共享须指明家属账号/,
      ],
      [
        { kind: 'family_sharing', state: 'withdrawn', basis: '电话', familyUserId: caseworker.id },
        /^familyUserId: 不是该老人的家属账号/,
      ],
      [
        { kind: 'health_processing', state: 'withdrawn', basis: '电话', familyUserId: daughterId },
        /^familyUserId: 健康数据处理/,
      ],
    ];
    for (const [body, message] of cases) {
      const answer = await record(body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.message).toMatch(message);
    }
    expect((await record({ kind: 'family_sharing', state: 'withdrawn' })).status).toBe(400);
    const overview = await t.api<ConsentOverview>('GET', `/api/retirees/${retiree.id}/consents`);
    expect(overview.body.history).toHaveLength(2);
    expect((await t.api('GET', '/api/family/status', undefined, daughterToken)).status).toBe(200);
  });

  it('lets operators read but not record, and families neither', async () => {
    const refused = await record(
      { kind: 'family_sharing', state: 'withdrawn', basis: '电话', familyUserId: daughterId },
      operator.token,
    );
    expect(refused.status).toBe(403);
    expect(
      (await t.api('GET', `/api/retirees/${retiree.id}/consents`, undefined, daughterToken)).status,
    ).toBe(403);
    expect((await t.api('GET', '/api/retirees/00000000-0000-4000-8000-000000000000/consents')).status).toBe(
      404,
    );
    // A caseworker of another station does not see this retiree at all.
    const elsewhere = await t.addStaff('caseworker.north', 'caseworker', '北站');
    const hidden = await t.api('GET', `/api/retirees/${retiree.id}/consents`, undefined, elsewhere.token);
    expect(hidden.status).toBe(404);
    const refusedThere = await record(
      { kind: 'family_sharing', state: 'withdrawn', basis: '电话', familyUserId: daughterId },
      elsewhere.token,
    );
    expect(refusedThere.status).toBe(404);
  });

  it('withdrawn: that family member gets 403 at once and no more live updates; the other keeps both', async () => {
    const daughter = await follow(daughterToken);
    const son = await follow(sonToken);

    const withdrawn = await record({
      kind: 'family_sharing',
      state: 'withdrawn',
      basis: '老人本人电话告知，不再与女儿共享',
      familyUserId: daughterId,
    });
    expect(withdrawn.status).toBe(201);
    expect(withdrawn.body).toMatchObject({
      kind: 'family_sharing',
      state: 'withdrawn',
      version: 2,
      familyUserId: daughterId,
      recordedBy: caseworker.id,
    });

    // The very next request is refused, with the reason.
    const page = await t.api<{ error: string; message: string }>(
      'GET',
      '/api/family/status',
      undefined,
      daughterToken,
    );
    expect(page.status).toBe(403);
    expect(page.body.message).toContain('授权已撤回');
    expect(
      (
        await t.api(
          'POST',
          '/api/family/alerts/00000000-0000-4000-8000-000000000000/on-my-way',
          {},
          daughterToken,
        )
      ).status,
    ).toBe(403);
    expect((await t.api('GET', '/api/family/status', undefined, sonToken)).status).toBe(200);

    // Its socket is closed by the server and a new one is refused.
    await eventually(() => !daughter.socket.connected);
    await expect(connectLive(t.url, daughterToken)).rejects.toThrow(/forbidden/);

    // An SOS reaches the son's socket; nothing reaches the daughter's.
    await sos();
    await eventually(() => son.seen.find((message) => message.change === 'opened'), 15_000);
    expect(daughter.seen).toStrictEqual([]);

    // The refusal and the consent are both in the audit log.
    const audit = await eventually(async () => {
      const entries = await t.api<AuditPage>('GET', `/api/audit?retireeId=${retiree.id}&action=consent`);
      return entries.body.items[0];
    }, 15_000);
    expect(audit).toMatchObject({
      actorId: caseworker.id,
      targetType: 'consent',
      detail: { kind: 'family_sharing', state: 'withdrawn', version: 2, familyUserId: daughterId },
    });
    await eventually(async () => {
      const denied = await t.api<AuditPage>('GET', '/api/audit?action=denied&actorName=sun.daughter');
      return denied.body.items.find(
        (item) => item.targetType === 'family_page' && item.retireeId === retiree.id,
      );
    }, 15_000);
  });

  it('given again: access and live updates come back', async () => {
    const given = await record({
      kind: 'family_sharing',
      state: 'given',
      basis: '老人书面签字同意恢复共享',
      familyUserId: daughterId,
    });
    expect(given.status).toBe(201);
    expect(given.body.version).toBe(3);
    expect((await t.api('GET', '/api/family/status', undefined, daughterToken)).status).toBe(200);
    const daughter = await follow(daughterToken);
    // A second SOS while the first is open adds to that alert: an update, pushed to the family room.
    await sos();
    await eventually(() => daughter.seen.length > 0, 15_000);
  });

  it('withdrawn health-data processing stops every family account of the retiree', async () => {
    const daughter = await follow(daughterToken);
    const son = await follow(sonToken);
    const withdrawn = await record(
      { kind: 'health_processing', state: 'withdrawn', basis: '监护人书面撤回' },
      t.token,
    );
    expect(withdrawn.status).toBe(201);
    expect((await t.api('GET', '/api/family/status', undefined, daughterToken)).status).toBe(403);
    expect((await t.api('GET', '/api/family/status', undefined, sonToken)).status).toBe(403);
    await eventually(() => !daughter.socket.connected && !son.socket.connected);
    // Staff keep their access: care and alarms go on.
    expect((await t.api('GET', `/api/retirees/${retiree.id}/rescue-card`)).status).toBe(200);

    expect(
      (await record({ kind: 'health_processing', state: 'given', basis: '监护人书面同意' }, t.token)).status,
    ).toBe(201);
    expect((await t.api('GET', '/api/family/status', undefined, sonToken)).status).toBe(200);
  });

  it('keeps every version in the history, newest first, with who, when and on what basis', async () => {
    const overview = await t.api<ConsentOverview>('GET', `/api/retirees/${retiree.id}/consents`);
    const daughterLine = overview.body.history.filter((entry) => entry.familyUserId === daughterId);
    expect(daughterLine.map((entry) => [entry.version, entry.state])).toStrictEqual([
      [3, 'given'],
      [2, 'withdrawn'],
      [1, 'given'],
    ]);
    expect(daughterLine[1]).toMatchObject({
      basis: '老人本人电话告知，不再与女儿共享',
      recordedByName: 'caseworker.consent 同志',
    });
    const processing = overview.body.history.filter((entry) => entry.kind === 'health_processing');
    expect(processing.map((entry) => entry.state)).toStrictEqual(['given', 'withdrawn']);
    expect(overview.body.history).toHaveLength(6);
    expect(overview.body.current.find((entry) => entry.familyUserId === daughterId)).toMatchObject({
      state: 'given',
      version: 3,
      basis: '老人书面签字同意恢复共享',
    });
    expect(overview.body.current[0]).toMatchObject({ kind: 'health_processing', state: 'given', version: 2 });
  });
});
