/**
 * The work list gathers every area's items: on one hub per record engine, records made through the
 * HTTP API raise at least one item of every source named in SOURCE_LABELS on one day. The list
 * (everyone's) shows exactly those sources, every provider registered on the hub gives an item, the
 * Excel export names each source in Chinese, and a "me" list keeps to the viewer's role: the
 * monitoring desk gets the buttons and the 求助 presses but no medical records, caseworkers the
 * health checks but not the decisions that wait on the centre's managers.
 *
 * A provider added without a label, or without a record here that makes it give an item, fails
 * this suite.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths, centreDay, yearOf } from '../../server/calendar.ts';
import type { CreatedDevice, Retiree, ServiceRequest } from '../../server/schemas/index.ts';
import type { WorkItem, WorkList } from '../../server/schemas/worklist.ts';
import { SOURCE_LABELS } from '../../server/worklist/export.ts';
import { hubEngines } from '../helpers/engines.ts';
import { created, eventually, publish, read } from '../helpers/hub.ts';
import { type SignedIn, suiteHub } from '../helpers/suite.ts';
import { sevenFields } from '../visits/seven-fields.ts';

// Both record engines: PGlite, and a PostgreSQL server when one is installed.
const { engines, stop } = await hubEngines();
afterAll(stop);

/** `hour` o'clock (Beijing) on `day`, as an ISO timestamp. */
function at(day: string, hour: number): string {
  return new Date(`${day}T${String(hour).padStart(2, '0')}:00:00+08:00`).toISOString();
}

for (const engine of engines)
  describe.skipIf(engine.skip)(`an item of every work-list source on ${engine.name}`, () => {
    const t = suiteHub(() => engine.env());
    const today = centreDay(new Date());
    // Tomorrow: an event held tomorrow has ended by then (attendance to record), and an event must
    // start after it is made, so the list is asked for the day after the records are made.
    const date = addDays(today, 1);
    let caseworker: SignedIn;
    let operator: SignedIn;
    let supervisor: SignedIn;
    let main: Retiree;
    let visitTaskId: string;
    let healthCheckId: string;
    let treatmentId: string;
    let travelRequestId: string;
    let serviceRequestId: string;
    let pendant: CreatedDevice;
    let emergencyPlanId: string;
    let qualificationId: string;
    let arrearsRetireeId: string;
    let claimId: string;
    let facilityId: string;
    let decisionId: string;

    const listOf = async (query: string, token?: string): Promise<WorkItem[]> =>
      (await read<WorkList>(t, `/api/worklist?date=${date}${query}`, token)).items;

    beforeAll(async () => {
      caseworker = await t.addStaff('cw.every', 'caseworker');
      operator = await t.addStaff('op.every', 'operator');
      supervisor = await t.addStaff('sup.every', 'supervisor');
      main = await t.addRetiree({ name: '王振国' });
      const division = await t.addRetiree({ name: '李振国', rank: '师级' });
      const abroad = await t.addRetiree({ name: '张国华', rank: '团级' });
      const deceased = await t.addRetiree({ name: '孙建军' });

      // visit_task: a visit planned by hand, the caseworker's.
      visitTaskId = (
        await created<{ id: string }>(t, '/api/visits/tasks', {
          retireeId: main.id,
          title: '上门走访',
          dueOn: date,
          assigneeId: caseworker.id,
        })
      ).id;
      // visit_follow_up: a problem raised in a visit, due on the day.
      await created(t, '/api/visits/records', {
        retireeId: main.id,
        visitedOn: today,
        mode: 'in_person',
        visitors: ['刘'],
        ...sevenFields,
        problems: [{ description: '希望协调病房陪护', ownerId: caseworker.id, dueOn: date }],
      });
      // reception_reply: a letter not yet replied to.
      await created(t, '/api/reception/items', {
        channel: 'letter',
        fromName: '王振国',
        retireeId: main.id,
        content: '询问医疗费报销进度',
      });
      // feedback_answer: a complaint not yet answered.
      await created(t, '/api/evaluation/feedback', {
        kind: 'complaint',
        channel: 'phone',
        content: '监护手环经常误报',
      });
      // improvement_action: planned, due within the week.
      await created(t, '/api/evaluation/actions', {
        title: '完善走访记录',
        finding: { kind: 'text', text: '座谈会反映走访记录不全' },
        dueOn: date,
      });
      // benefit: an application awaiting its decision.
      await created(t, '/api/benefits', {
        retireeId: main.id,
        kind: 'nursing_fee',
        monthlyAmountFen: 120_000,
      });
      // bereavement_step: a death recorded opens its checklist.
      await created(t, '/api/bereavement', { retireeId: deceased.id, diedOn: today, place: '家中' });
      // intake_step: a case opened today (its steps due a week or more later), one step's
      // deadline brought forward to the day.
      const intake = await created<{ steps: { id: string }[] }>(t, '/api/intake/cases', {
        retireeId: main.id,
        receivedOn: today,
        sendingUnit: '某部队政治工作部',
      });
      const step = intake.steps[0]?.id;
      const moved = await t.api('PATCH', `/api/intake/steps/${step}`, { dueOn: date });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      // activity_cover: an event within the week with neither staff on duty nor medical cover.
      await created(t, '/api/activities/events', {
        title: '重阳登高',
        kind: 'outing',
        startsAt: at(addDays(date, 1), 9),
        endsAt: at(addDays(date, 1), 16),
        place: '凤凰山公园',
        capacity: 10,
      });
      // activity_attendance: a confirmed event that has ended by the day asked for.
      const held = await created<{ id: string }>(t, '/api/activities/events', {
        title: '太极拳表演',
        kind: 'sport',
        startsAt: at(date, 9),
        endsAt: at(date, 11),
        place: '多功能厅',
        capacity: 10,
        staff: [{ userId: operator.id, duty: '安全值守' }],
        medicalCover: '社区卫生服务中心 随队医生',
      });
      const confirmed = await t.api('POST', `/api/activities/events/${held.id}/confirm`);
      expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
      // abroad_contact and pension_suspension: abroad seven months, never contacted; the check
      // (which also runs on a schedule) flags the pension.
      await created(t, '/api/abroad/stays', {
        retireeId: abroad.id,
        departedOn: addMonths(today, -7),
        destination: '加拿大',
      });
      // pay_arrears: a second retiree abroad as long, whose pension is paid; last month's pay is
      // withheld under the flag, and the flag is cleared.
      const returned = await t.addRetiree({ name: '周立群' });
      const lastMonth = addMonths(`${today.slice(0, 7)}-01`, -1).slice(0, 7);
      await created(t, '/api/pay/items', {
        retireeId: returned.id,
        kind: 'pension',
        monthlyFen: 700_000,
        fromMonth: lastMonth,
      });
      await created(t, '/api/abroad/stays', {
        retireeId: returned.id,
        departedOn: addMonths(today, -7),
        destination: '新西兰',
      });
      const check = await t.api('POST', '/api/abroad/check');
      expect(check.status, JSON.stringify(check.body)).toBe(200);
      await created(t, '/api/pay/runs', { period: lastMonth });
      const [flag] = await read<{ id: string }[]>(
        t,
        `/api/abroad/suspensions?active=true&retireeId=${returned.id}`,
      );
      const cleared = await t.api('POST', `/api/abroad/suspensions/${flag?.id}/clear`, {
        reason: '已联系上本人',
      });
      expect(cleared.status, JSON.stringify(cleared.body)).toBe(200);
      arrearsRetireeId = returned.id;
      // pay_run: that pension is due this month, whose pay is not yet run;
      // medical_claim: a reimbursement handed in, awaiting its decision.
      claimId = (
        await created<{ id: string }>(t, '/api/pay/claims', {
          retireeId: main.id,
          kind: 'outpatient',
          receipts: [{ number: 'MZ-1', issuer: '社区卫生服务中心', issuedOn: today, amountFen: 8_800 }],
        })
      ).id;
      // abroad_approval: a division-level trip waiting on the centre head's opinion.
      travelRequestId = (
        await created<{ id: string }>(t, '/api/abroad/travel-requests', {
          retireeId: division.id,
          destination: '加拿大',
          purpose: '探亲',
          departDate: addDays(today, 30),
          returnDate: addDays(today, 60),
        })
      ).id;
      // health_check: the year's plan puts the check on the day.
      const year = yearOf(date);
      const scheduled = await t.api('PUT', `/api/medical/health-checks/plan/${year}/${main.id}`, {
        dueOn: date,
      });
      expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(204);
      healthCheckId = `${year}:${main.id}`;
      // treatment_approval: treatment in another city waiting for a decision.
      treatmentId = (
        await created<{ id: string }>(t, '/api/medical/out-of-town', {
          retireeId: main.id,
          hospital: '华西医院',
          city: '成都',
          reason: '心脏搭桥',
          from: addDays(today, 20),
          to: addDays(today, 40),
        })
      ).id;
      // emergency_plan_review: a plan in force whose review falls on the day.
      emergencyPlanId = (
        await created<{ id: string }>(t, '/api/emergency/plans', {
          kind: 'fire',
          title: '消防应急预案',
          duties: [{ who: '值班员', action: '报警并疏散' }],
          effectiveOn: today,
          reviewOn: date,
        })
      ).id;
      // qualification_expiry: the caseworker's certificate expiring on the day;
      // data_protection_training: every account made today is due it at once (overdue tomorrow).
      qualificationId = (
        await created<{ id: string }>(t, '/api/staff/qualifications', {
          userId: caseworker.id,
          kind: 'social_worker',
          expiresOn: date,
        })
      ).id;
      // facility_inspection: a room registered 40 days ago, inspected every 30 days, never yet;
      // committee_decision: a decision of today's committee meeting, the caseworker's to carry out.
      facilityId = (
        await created<{ id: string }>(t, '/api/facilities', {
          name: '书画活动室',
          kind: 'activity_room',
          responsibleId: caseworker.id,
          sinceOn: addDays(today, -40),
        })
      ).id;
      const meeting = await created<{ decisions: { id: string }[] }>(t, '/api/committee/meetings', {
        heldOn: today,
        topic: '管委会例会',
        attendees: ['王振国'],
        decisions: [{ text: '完善设施台账', ownerId: caseworker.id }],
      });
      decisionId = meeting.decisions[0]?.id ?? '';
      // button_test: a pendant never test-pressed is due from the day it was registered;
      // service_request: its 求助 key pressed, nobody assigned yet.
      pendant = await t.addDevice('pendant.sos', main.id);
      const client = await t.connectDevice(pendant);
      await publish(client, `eldercare/v1/${pendant.device.id}/event`, {
        id: 'help-every-source',
        type: 'service_request',
      });
      serviceRequestId = await eventually(async () => {
        const requests = await read<ServiceRequest[]>(t, '/api/service-requests');
        return requests.find((request) => request.deviceId === pendant.device.id)?.id;
      });
    });

    it('lists exactly the sources SOURCE_LABELS names on everyone’s list', async () => {
      const items = await listOf('&all=true');
      const sources = [...new Set(items.map((item) => item.source))].sort();
      expect(sources).toStrictEqual(Object.keys(SOURCE_LABELS).sort());
    });

    it('has every provider registered on the hub give at least one item', async () => {
      const providers = t.hub.app.workList.providers;
      expect(providers.length).toBeGreaterThan(0);
      for (const provider of providers) {
        const items = await provider.items({ date, ownerId: null });
        expect(items.length, `provider ${provider.source}`).toBeGreaterThan(0);
        for (const item of items)
          expect(SOURCE_LABELS, `provider ${provider.source}`).toHaveProperty(item.source);
      }
    });

    it('exports the list to Excel with each source’s Chinese label', async () => {
      const response = await fetch(`${t.url}/api/worklist/export.xlsx?all=true&date=${date}`, {
        headers: { authorization: `Bearer ${t.token}` },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('spreadsheetml');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load((await response.arrayBuffer()) as ArrayBuffer);
      const cells = new Set<string>();
      for (const sheet of workbook.worksheets) {
        sheet.eachRow((row) => {
          row.eachCell((cell) => {
            cells.add(String(cell.text));
          });
        });
      }
      for (const [source, label] of Object.entries(SOURCE_LABELS)) {
        expect(cells.has(label), `${source}: ${label}`).toBe(true);
      }
    });

    it('gives each role its own items and the station’s work it does', async () => {
      const has = (items: WorkItem[], source: string, id?: string) =>
        items.some((item) => item.source === source && (id === undefined || item.id === id));

      // The monitoring desk: buttons to test and unassigned 求助 presses, no medical records, and
      // not a caseworker's own visit.
      const desk = await listOf('', operator.token);
      expect(has(desk, 'button_test', pendant.device.id)).toBe(true);
      expect(has(desk, 'service_request', serviceRequestId)).toBe(true);
      expect(has(desk, 'health_check')).toBe(false);
      expect(has(desk, 'treatment_approval')).toBe(false);
      expect(has(desk, 'abroad_approval')).toBe(false);
      expect(has(desk, 'visit_task', visitTaskId)).toBe(false);

      // A caseworker: their visit and the health checks, not the decisions of the centre's managers.
      const mine = await listOf('', caseworker.token);
      expect(has(mine, 'visit_task', visitTaskId)).toBe(true);
      expect(has(mine, 'health_check', healthCheckId)).toBe(true);
      expect(has(mine, 'treatment_approval', treatmentId)).toBe(false);
      expect(has(mine, 'abroad_approval', travelRequestId)).toBe(false);

      // A supervisor: those decisions, and not the caseworker's visit.
      const head = await listOf('', supervisor.token);
      expect(has(head, 'treatment_approval', treatmentId)).toBe(true);
      expect(has(head, 'abroad_approval', travelRequestId)).toBe(true);
      expect(has(head, 'visit_task', visitTaskId)).toBe(false);
      // Plans are the managers' to review.
      expect(has(head, 'emergency_plan_review', emergencyPlanId)).toBe(true);
      expect(has(mine, 'emergency_plan_review')).toBe(false);
      expect(has(desk, 'emergency_plan_review')).toBe(false);
      // A certificate is its holder's and the managers'; training is the managers' to arrange.
      expect(has(mine, 'qualification_expiry', qualificationId)).toBe(true);
      expect(has(head, 'qualification_expiry', qualificationId)).toBe(true);
      expect(has(desk, 'qualification_expiry')).toBe(false);
      expect(has(head, 'data_protection_training', caseworker.id)).toBe(true);
      expect(has(mine, 'data_protection_training')).toBe(false);
      expect(has(desk, 'data_protection_training')).toBe(false);
      // Money: the run, arrears and reimbursements wait on the managers.
      expect(has(head, 'pay_run')).toBe(true);
      expect(has(head, 'pay_arrears', arrearsRetireeId)).toBe(true);
      expect(has(head, 'medical_claim', claimId)).toBe(true);
      // A facility is its responsible person's and the managers'; a decision its owner's.
      expect(has(mine, 'facility_inspection', facilityId)).toBe(true);
      expect(has(head, 'facility_inspection', facilityId)).toBe(true);
      expect(has(desk, 'facility_inspection')).toBe(false);
      expect(has(mine, 'committee_decision', decisionId)).toBe(true);
      expect(has(head, 'committee_decision', decisionId)).toBe(false);
      for (const source of ['pay_run', 'pay_arrears', 'medical_claim']) {
        expect(has(mine, source), source).toBe(false);
        expect(has(desk, source), source).toBe(false);
      }
    });
  });
