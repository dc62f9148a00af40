/**
 * The smaller clauses: /api/committee (5.1.8: members, meetings with minutes and decisions),
 * /api/facilities (5.3.2.4: the register and its inspection log), and with the archive
 * /api/honours (6.2.2.2) and /api/engagements (6.4.2.6), with Excel registers.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AreaOptions } from '../context.ts';
import { type ListColumn, MAX_LIST_EXPORT_ROWS } from '../export/workbook.ts';
import { recordKinds } from '../http/resource.ts';
import { routeOptions } from '../http/route.ts';
import * as schema from '../schemas/centre.ts';
import { retireeInScope } from '../store/checks.ts';
import { rowInScope } from '../store/scope.ts';

const route = routeOptions('centre');

const RESULT_NAMES = { ok: '正常', issue: '发现问题' } as const;

const FACILITY_COLUMNS: ListColumn<schema.Facility>[] = [
  { header: '设施', value: (row) => row.name, width: 16 },
  { header: '类别', value: (row) => row.kindName, width: 10 },
  { header: '位置', value: (row) => row.location, width: 16 },
  { header: '开放时间', value: (row) => row.openingHours, width: 20 },
  { header: '负责人', value: (row) => row.responsible, width: 10 },
  { header: '检查周期（天）', value: (row) => row.inspectEveryDays, width: 12 },
  { header: '最近检查', value: (row) => row.lastInspectedOn ?? '', width: 12 },
  { header: '最近结果', value: (row) => (row.lastResult ? RESULT_NAMES[row.lastResult] : ''), width: 10 },
  { header: '下次检查', value: (row) => row.nextInspectionOn, width: 12 },
  {
    header: '状态',
    value: (row) => (row.retiredAt ? '已停用' : row.overdue ? '检查逾期' : '在用'),
    width: 10,
  },
  { header: '管理制度', value: (row) => row.rules, width: 40 },
];

const MEETING_COLUMNS: ListColumn<schema.CommitteeMeeting>[] = [
  { header: '会议日期', value: (row) => row.heldOn, width: 12 },
  { header: '议题', value: (row) => row.topic, width: 30 },
  { header: '地点', value: (row) => row.place, width: 14 },
  { header: '出席人员', value: (row) => row.attendees.join('、'), width: 30 },
  {
    header: '决定事项',
    value: (row) =>
      row.decisions
        .map(
          (d, i) =>
            `${i + 1}. ${d.text}${d.owner ? `（${d.owner}）` : ''}${d.doneOn ? ` 已落实 ${d.doneOn}` : ''}`,
        )
        .join('\n'),
    width: 50,
  },
  { header: '会议纪要', value: (row) => row.minutes, width: 60 },
];

const HONOUR_COLUMNS: ListColumn<schema.Honour>[] = [
  { header: '老人', value: (row) => row.retireeName, width: 12 },
  { header: '类别', value: (row) => row.kindName, width: 14 },
  { header: '荣誉名称', value: (row) => row.name, width: 28 },
  { header: '授予日期', value: (row) => row.awardedOn ?? '', width: 12 },
  { header: '授予单位', value: (row) => row.awardedBy, width: 20 },
  { header: '备注', value: (row) => row.note, width: 24 },
];

const ENGAGEMENT_COLUMNS: ListColumn<schema.Engagement>[] = [
  { header: '老人', value: (row) => row.retireeName, width: 12 },
  { header: '类别', value: (row) => row.kindName, width: 16 },
  { header: '名称或岗位', value: (row) => row.title, width: 28 },
  { header: '单位', value: (row) => row.organisation, width: 20 },
  { header: '开始日期', value: (row) => row.fromOn, width: 12 },
  { header: '结束日期', value: (row) => row.toOn ?? '', width: 12 },
  { header: '报备日期', value: (row) => row.filedOn, width: 12 },
  { header: '备注', value: (row) => row.note, width: 24 },
];

export const centreRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app, { hub }) => {
  const { committee, facilities, retireeRecords: records } = app;
  const kinds = recordKinds(app, route, { read: 'centre.read', write: 'centre.manage' });

  // ----- the committee -----
  const members = kinds('/api/committee/members', schema.CommitteeMember);
  members.list(
    {
      summary: 'The committee’s members in office, chair first (`all=true`: past ones too)',
      query: Type.Object({ all: Type.Optional(Type.Boolean()) }),
    },
    (query) => committee.members(query.all === true),
  );
  members.create(
    {
      summary:
        'A member of the committee: a retiree of the centre or someone named, with role and term (supervisor, admin)',
      body: schema.CommitteeMemberInput,
    },
    (body, caller) => committee.addMember(body, caller.id),
  );
  members.one('One member', (id) => committee.member(id));
  members.on(
    'end',
    { summary: 'The member’s term ends on a day (supervisor, admin)', body: schema.CommitteeMemberEnd },
    (id, body) => committee.endMember(id, body),
  );

  const meetings = kinds('/api/committee/meetings', schema.CommitteeMeeting);
  meetings.list(
    { summary: 'The committee’s meetings, latest first, with their decisions', query: schema.MeetingQuery },
    (query) => committee.meetings(query),
  );
  meetings.export(
    { summary: 'The meetings of a year as an Excel workbook', query: schema.MeetingQuery },
    (query) => committee.meetings({ ...query, limit: 500 }),
    { sheet: '管委会会议', columns: MEETING_COLUMNS, file: 'committee-meetings', name: '管理委员会会议记录' },
  );
  meetings.create(
    {
      summary: 'A meeting held, with who attended, the minutes and the decisions taken (supervisor, admin)',
      body: schema.CommitteeMeetingInput,
    },
    (body, caller) => committee.addMeeting(body, caller.id),
  );
  meetings.one('One meeting', (id) => committee.meeting(id));
  const decisions = kinds('/api/committee/decisions', schema.CommitteeMeeting);
  decisions.on(
    'done',
    {
      access: 'centre.read',
      summary:
        'A decision carried out, marked by its owner or a manager (403 for anyone else); answers its meeting; 409 when already done',
      body: schema.DecisionDone,
    },
    (id, body, caller) => committee.decisionDone(id, body, { id: caller.id, role: caller.user.role }),
  );

  // ----- facilities -----
  const facilityKind = kinds('/api/facilities', schema.Facility);
  facilityKind.list(
    {
      summary: 'The facilities with their person responsible, next inspection and the latest log entries',
      query: schema.FacilityQuery,
    },
    (query) => facilities.list(query),
  );
  facilityKind.export(
    { summary: 'The facilities register as an Excel workbook', query: schema.FacilityQuery },
    (query) => facilities.list(query),
    { sheet: '设施台账', columns: FACILITY_COLUMNS, file: 'facilities', name: '设施台账' },
  );
  facilityKind.create(
    {
      summary:
        'A facility registered, with its person responsible and how often it is inspected (supervisor, admin)',
      body: schema.FacilityInput,
    },
    (body, caller) => facilities.register(body, caller.id),
  );
  facilityKind.one('One facility with its whole log', (id) => facilities.one(id));
  facilityKind.on(
    '',
    {
      method: 'patch',
      summary: 'Change a facility, or take it out of use (`retired`) (supervisor, admin)',
      body: schema.FacilityChange,
    },
    (id, body, caller) => facilities.change(id, body, caller.id),
  );
  facilityKind.on(
    'inspections',
    {
      access: 'centre.inspect',
      code: 201,
      summary: 'An inspection, maintenance or repair done (any member of staff); answers the facility',
      body: schema.InspectionInput,
    },
    (id, body, caller) => facilities.inspect(id, body, caller.id),
  );

  // ----- honours and engagements, with the archive -----
  const retireeKinds = recordKinds(app, route, { read: 'archive.read', write: 'archive.write' });
  const honours = retireeKinds('/api/honours', schema.Honour, {
    guard: rowInScope(hub.db, 'honours', 'honour'),
  });
  honours.list(
    {
      summary: 'Honours (6.2.2.2): medals, 光荣之家 plaques, titles, commendations',
      query: schema.HonourQuery,
    },
    (query, caller) => records.honours(query, caller.scope),
  );
  honours.export(
    { summary: 'The honours as an Excel workbook', query: schema.HonourQuery },
    (query, scope) => records.honours({ ...query, limit: MAX_LIST_EXPORT_ROWS }, scope),
    { sheet: '荣誉', columns: HONOUR_COLUMNS, file: 'honours', name: '军休干部荣誉' },
  );
  honours.create(
    { retiree: 'body', summary: 'An honour of a retiree', body: schema.HonourInput },
    async (body, caller) => {
      await retireeInScope(hub.db, caller.scope, body.retireeId);
      return records.addHonour(body, caller.id);
    },
  );
  honours.one('One honour', (id) => records.honour(id));
  honours.remove('Take out an honour entered by mistake', (id) => records.removeHonour(id));

  const engagements = retireeKinds('/api/engagements', schema.Engagement, {
    guard: rowInScope(hub.db, 'retiree_engagements', 'engagement'),
  });
  engagements.list(
    {
      summary: 'Publications, speeches, teaching and re-employment (6.4.2.6), latest first',
      query: schema.EngagementQuery,
    },
    (query, caller) => records.engagements(query, caller.scope),
  );
  engagements.export(
    {
      summary: 'The publications and re-employment register as an Excel workbook',
      query: schema.EngagementQuery,
    },
    (query, scope) => records.engagements({ ...query, limit: MAX_LIST_EXPORT_ROWS }, scope),
    { sheet: '著述讲学返聘', columns: ENGAGEMENT_COLUMNS, file: 'engagements', name: '出版讲学与返聘' },
  );
  engagements.create(
    {
      retiree: 'body',
      summary: 'A publication, speech, teaching post or re-employment filed with the centre',
      body: schema.EngagementInput,
    },
    async (body, caller) => {
      await retireeInScope(hub.db, caller.scope, body.retireeId);
      return records.addEngagement(body, caller.id);
    },
  );
  engagements.one('One entry', (id) => records.engagement(id));
  engagements.remove('Take out an entry made by mistake', (id) => records.removeEngagement(id));
};
