import { afterAll, beforeAll, expect, it } from 'vitest';
import { AttachmentStore } from '../../server/archive/attachments.ts';
import { ArchiveStore } from '../../server/archive/store.ts';
import { OralHistories } from '../../server/contributions/oralHistory.ts';
import { ContributionRegister } from '../../server/contributions/register.ts';
import type { User } from '../../server/schemas/auth.ts';
import { WHOLE_CENTRE } from '../../server/store/scope.ts';
import { describeOnEngines } from '../helpers/engines.ts';
import { seedRetiree, seedStaff } from '../helpers/seed.ts';
import { beijing, failure } from '../helpers/service.ts';
import { makeTempDir, type TempDir } from '../helpers/tmp.ts';

await describeOnEngines((db) => {
  let files: TempDir;
  let caseworker: User;
  let clock = beijing('2026-05-10T10:00:00');
  const now = () => clock;
  let register: ContributionRegister;

  const addRetiree = (name: string, station = '一站', status = 'active') =>
    seedRetiree(db, { name, station, status, birthDate: '1939-08-01' });

  /** A role registered by the caseworker, for the whole centre unless `scope` says otherwise. */
  const enrol = (
    input: Parameters<ContributionRegister['create']>[0],
    scope: Parameters<ContributionRegister['create']>[2] = WHOLE_CENTRE,
  ) => register.create(input, caseworker.id, scope);
  /** Hours the caseworker logs on an entry. */
  const logHours = (entryId: string, input: Parameters<ContributionRegister['logHours']>[1]) =>
    register.logHours(entryId, input, caseworker.id, WHOLE_CENTRE);

  beforeAll(async () => {
    files = await makeTempDir('junxiu-roles-');
    caseworker = await seedStaff(db, 'cw', '王经办');
    register = new ContributionRegister(db, now);
  });

  afterAll(async () => {
    await files?.remove();
  });

  it('keeps one active entry per retiree and role, and none for a deceased retiree', async () => {
    clock = beijing('2026-05-10T10:00:00');
    const retiree = await addRetiree('志愿甲');
    const entry = await enrol({
      retireeId: retiree,
      kind: 'volunteer',
      skills: [' 书法 ', '法律咨询', '书法', ''],
      availability: '周二、周四上午',
      startedOn: '2026-01-01',
    });
    expect(entry).toMatchObject({
      kindName: '志愿者',
      skills: ['书法', '法律咨询'],
      active: true,
      totalHours: 0,
    });
    const twice = await failure(enrol({ retireeId: retiree, kind: 'volunteer', startedOn: '2026-02-01' }));
    expect(twice).toStrictEqual({ status: 409, message: '志愿甲已登记为志愿者' });
    // Another role for the same retiree is fine.
    const commissar = await enrol({
      retireeId: retiree,
      kind: 'community_commissar',
      startedOn: '2026-03-01',
    });
    expect(commissar.kindName).toBe('社区政治指导员');
    const gone = await addRetiree('已故乙', '一站', 'deceased');
    expect(
      await failure(enrol({ retireeId: gone, kind: 'think_tank', startedOn: '2026-01-01' })),
    ).toStrictEqual({ status: 409, message: '已故乙已故，不能登记' });
    expect(
      (await failure(enrol({ retireeId: retiree, kind: 'think_tank', startedOn: '2026-05-11' }))).status,
    ).toBe(400);
    const skilled = await register.list({ skill: '法律咨询' }, WHOLE_CENTRE);
    expect(skilled.map((e) => e.id)).toStrictEqual([entry.id]);
  });

  it('logs service hours within the role’s period, never in the future, and ends the role', async () => {
    clock = beijing('2026-05-10T10:00:00');
    const retiree = await addRetiree('智库丙');
    const entry = await enrol({
      retireeId: retiree,
      kind: 'think_tank',
      skills: ['政策研究'],
      startedOn: '2026-04-01',
    });
    await logHours(entry.id, { servedOn: '2026-04-15', hours: 2.5, activity: '养老政策调研' });
    await logHours(entry.id, { servedOn: '2026-05-10', hours: 3, activity: '座谈会建言' });
    expect(
      await failure(logHours(entry.id, { servedOn: '2026-05-11', hours: 1, activity: '明天' })),
    ).toStrictEqual({ status: 400, message: 'servedOn: 服务日期不能晚于今天' });
    expect(
      await failure(logHours(entry.id, { servedOn: '2026-03-31', hours: 1, activity: '之前' })),
    ).toStrictEqual({ status: 400, message: 'servedOn: 服务日期不在该登记的有效期内' });
    expect((await register.byId(entry.id, WHOLE_CENTRE)).totalHours).toBe(5.5);
    expect((await register.hours(entry.id, WHOLE_CENTRE)).map((h) => [h.servedOn, h.hours])).toStrictEqual([
      ['2026-05-10', 3],
      ['2026-04-15', 2.5],
    ]);

    // Not before hours already logged; then ended, and no hours after the end.
    expect(
      (await failure(register.end(entry.id, { endedOn: '2026-05-01', reason: '身体原因' }, WHOLE_CENTRE)))
        .status,
    ).toBe(400);
    const ended = await register.end(entry.id, { endedOn: '2026-05-10', reason: '身体原因' }, WHOLE_CENTRE);
    expect(ended).toMatchObject({ active: false, endedOn: '2026-05-10', endReason: '身体原因' });
    expect(
      (await failure(register.end(entry.id, { endedOn: '2026-05-10', reason: '再次' }, WHOLE_CENTRE))).status,
    ).toBe(409);
    clock = beijing('2026-05-12T10:00:00');
    expect(
      (await failure(logHours(entry.id, { servedOn: '2026-05-11', hours: 1, activity: '结束后' }))).status,
    ).toBe(400);
    // Ended, the same role may start again.
    const again = await enrol({ retireeId: retiree, kind: 'think_tank', startedOn: '2026-05-12' });
    expect(again.active).toBe(true);
  });

  it('shows a caseworker of a station only that station’s register and interviews', async () => {
    clock = beijing('2026-05-10T10:00:00');
    const theirs = await addRetiree('他站丁', '二站');
    const entry = await enrol({ retireeId: theirs, kind: 'volunteer', startedOn: '2026-05-01' });
    const station = { station: '一站' };
    expect((await register.list({}, station)).some((e) => e.id === entry.id)).toBe(false);
    expect((await failure(register.byId(entry.id, station))).status).toBe(404);
    expect(
      (await failure(enrol({ retireeId: theirs, kind: 'think_tank', startedOn: '2026-05-01' }, station)))
        .status,
    ).toBe(404);

    const oral = new OralHistories(db, new AttachmentStore(db, new ArchiveStore(db, now), files.path), now);
    const item = await oral.create(
      {
        retireeId: theirs,
        title: '抗美援朝回忆',
        interviewer: '李记录',
        interviewedOn: '2026-05-09',
        transcript: '那年冬天……',
      },
      caseworker.id,
      WHOLE_CENTRE,
    );
    expect(item).toMatchObject({ retireeName: '他站丁', files: [] });
    expect((await oral.list({ q: '冬天' }, WHOLE_CENTRE)).map((o) => o.id)).toStrictEqual([item.id]);
    expect(await oral.list({}, station)).toStrictEqual([]);
    expect((await failure(oral.byId(item.id, station))).status).toBe(404);
    expect(
      (
        await failure(
          oral.create(
            { retireeId: theirs, title: '明天', interviewer: '李', interviewedOn: '2026-05-11' },
            caseworker.id,
            WHOLE_CENTRE,
          ),
        )
      ).status,
    ).toBe(400);
  });
});
