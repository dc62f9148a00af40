/**
 * Culture and sport (6.6 文体活动) under /api/activities: the yearly plan, events with their cover,
 * sign-ups and attendance, interest groups, and their Excel exports. Staff read; caseworkers,
 * supervisors and admins write. A caseworker with a station sees and signs up that station's
 * retirees only.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { CENTRE_TIME_ZONE } from '../calendar.ts';
import type { AreaOptions } from '../context.ts';
import { type ListColumn, MAX_LIST_EXPORT_ROWS } from '../export/workbook.ts';
import { readErrors, writeErrors } from '../http/records.ts';
import { recordKinds } from '../http/resource.ts';
import { routeOptions } from '../http/route.ts';
import * as schema from '../schemas/activities.ts';
import { scopeOf } from '../store/scope.ts';
import { ATTENDANCE_NAMES, EVENT_STATUS_NAMES } from './names.ts';

const route = routeOptions('activities');

/** An instant as the centre's date and time, written the way zh-CN writes them. */
const centreTime = (value: string) =>
  new Date(value).toLocaleString('zh-CN', { timeZone: CENTRE_TIME_ZONE, hour12: false });

/** One row per sign-up (an event without any still has its row): the event with its attendance. */
interface EventRow {
  event: schema.ActivityEvent;
  signup: schema.ActivityEvent['signups'][number] | null;
}

const EVENT_COLUMNS: ListColumn<EventRow>[] = [
  { header: '活动', value: (r) => r.event.title, width: 24 },
  { header: '类别', value: (r) => r.event.kindName, width: 12 },
  { header: '开始时间', value: (r) => centreTime(r.event.startsAt), width: 20 },
  { header: '结束时间', value: (r) => centreTime(r.event.endsAt), width: 20 },
  { header: '地点', value: (r) => r.event.place, width: 18 },
  { header: '名额', value: (r) => r.event.capacity, width: 8 },
  { header: '已报名', value: (r) => r.event.signedUp, width: 8 },
  { header: '值守工作人员', value: (r) => r.event.staff.map((s) => s.name).join('、'), width: 20 },
  { header: '医疗保障', value: (r) => r.event.medicalCover, width: 24 },
  { header: '状态', value: (r) => EVENT_STATUS_NAMES[r.event.status], width: 10 },
  { header: '军休干部', value: (r) => r.signup?.retireeName, width: 12 },
  {
    header: '报名状态',
    value: (r) => (r.signup ? (r.signup.status === 'signed_up' ? '已报名' : '已取消报名') : null),
    width: 12,
  },
  {
    header: '出勤',
    value: (r) => (r.signup?.attendance ? ATTENDANCE_NAMES[r.signup.attendance] : null),
    width: 8,
  },
  { header: '出勤备注', value: (r) => r.signup?.attendanceNote, width: 20 },
];

interface MemberRow {
  group: schema.ActivityGroup;
  member: schema.ActivityGroup['members'][number] | null;
}

const GROUP_COLUMNS: ListColumn<MemberRow>[] = [
  { header: '兴趣小组', value: (r) => r.group.name, width: 18 },
  { header: '类别', value: (r) => r.group.kindName, width: 10 },
  { header: '组长', value: (r) => r.group.leaderName, width: 12 },
  { header: '活动时间', value: (r) => r.group.meets, width: 18 },
  { header: '活动地点', value: (r) => r.group.place, width: 18 },
  { header: '成员', value: (r) => r.member?.retireeName, width: 12 },
  { header: '入组日期', value: (r) => r.member?.joinedOn, width: 12 },
  { header: '退出日期', value: (r) => r.member?.leftOn, width: 12 },
];

export const activityRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app) => {
  const { activityPlans: plans, activityEvents: events, activityGroups: groups } = app;

  app.get(
    '/api/activities/staff',
    route('activities.read', {
      summary: 'Staff who may be put on duty at an event or organise it',
      response: {
        200: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), role: Type.String() })),
        ...readErrors,
      },
    }),
    async () => {
      return app.users.enabledNames();
    },
  );

  const kind = recordKinds(app, route, { read: 'activities.read', write: 'activities.write' });

  const planRecords = kind('/api/activities/plans', schema.ActivityPlan);
  planRecords.list(
    { summary: 'Yearly culture-and-sport plans (6.6.2.2) with their items', query: schema.PlanQuery },
    (query) => plans.list(query),
  );
  planRecords.create(
    { summary: 'The plan of a year; 409 when the year has one', body: schema.ActivityPlanInput },
    (body, caller) => plans.create(body, caller.id),
  );
  planRecords.on(
    'items',
    {
      summary: 'An item of the plan, for the ages, health and skills it suits',
      body: schema.PlanItemInput,
      code: 201,
    },
    (id, body) => plans.addItem(id, body),
  );

  const eventRecords = kind('/api/activities/events', schema.ActivityEvent);
  eventRecords.list(
    { summary: 'Events, latest first, by the Beijing day they start on', query: schema.EventQuery },
    (query, caller) => events.list(query, caller.scope),
  );

  eventRecords.export(
    {
      summary: 'Events with their sign-ups and attendance as an Excel workbook (same filters as the list)',
      query: schema.EventQuery,
    },
    async (query, scope) => {
      const list = await events.list({ ...query, limit: MAX_LIST_EXPORT_ROWS }, scope);
      const rows: EventRow[] = list.flatMap((event) =>
        event.signups.length === 0
          ? [{ event, signup: null }]
          : event.signups.map((signup): EventRow => ({ event, signup })),
      );
      return rows.slice(0, MAX_LIST_EXPORT_ROWS);
    },
    {
      sheet: '文体活动出勤',
      columns: EVENT_COLUMNS,
      file: 'activity-events',
      name: '文体活动出勤',
    },
  );

  eventRecords.create(
    {
      summary: 'A new event (planned); it is confirmed once staff and medical cover are in place',
      body: schema.ActivityEventInput,
    },
    (body, caller) => events.create(body, caller.id, caller.scope),
  );
  eventRecords.one('One event with its staff, cover and sign-ups', (id, caller) =>
    events.byId(id, caller.scope),
  );
  eventRecords.on(
    'cover',
    {
      summary: 'The staff on duty and the medical cover (6.6.2.5); a confirmed event keeps both',
      body: schema.EventCoverInput,
      method: 'put',
    },
    (id, body, caller) => events.setCover(id, body, caller.scope),
  );
  eventRecords.on(
    'confirm',
    { summary: 'Confirm the event; 409 naming what is missing while staff or medical cover is not in place' },
    (id, _, caller) => events.confirm(id, caller.id, caller.scope),
  );
  eventRecords.on(
    'cancel',
    { summary: 'Cancel the event before it starts, with the reason', body: schema.EventCancelInput },
    (id, body, caller) => events.cancel(id, body, caller.scope),
  );
  eventRecords.on(
    'signups',
    {
      summary: 'Sign a retiree up; 409 when full, already signed up, deceased, cancelled or started',
      body: schema.SignUpInput,
      code: 201,
    },
    (id, body, caller) => events.signUp(id, body.retireeId, caller.id, caller.scope),
  );

  app.post(
    '/api/activities/events/:id/signups/:retireeId/withdraw',
    route('activities.write', {
      retiree: 'path',
      retireeParam: 'retireeId',
      summary: 'Withdraw a sign-up before the event starts',
      params: schema.RetireeParams,
      response: { 200: schema.ActivityEvent, ...writeErrors },
    }),
    async (request) => {
      return events.withdraw(request.params.id, request.params.retireeId, scopeOf(request.user!));
    },
  );

  eventRecords.on(
    'attendance',
    {
      summary: 'Record attendance of signed-up retirees once the confirmed event has started',
      body: schema.AttendanceInput,
    },
    (id, body, caller) => events.recordAttendance(id, body, caller.id, caller.scope),
  );

  const groupRecords = kind('/api/activities/groups', schema.ActivityGroup);
  groupRecords.list({ summary: 'Interest groups (6.6.2.3) with leader and members' }, (_, caller) =>
    groups.list(caller.scope),
  );

  groupRecords.export(
    { summary: 'Interest groups with their members as an Excel workbook' },
    async (_, scope) => {
      const list = await groups.list(scope);
      const rows: MemberRow[] = list.flatMap((group) =>
        group.members.length === 0
          ? [{ group, member: null }]
          : group.members.map((member): MemberRow => ({ group, member })),
      );
      return rows.slice(0, MAX_LIST_EXPORT_ROWS);
    },
    {
      sheet: '兴趣小组成员',
      columns: GROUP_COLUMNS,
      file: 'activity-groups',
      name: '兴趣小组成员',
    },
  );

  groupRecords.create(
    {
      summary: 'A new interest group; its leader joins as the first member',
      body: schema.ActivityGroupInput,
    },
    (body, caller) => groups.create(body, caller.id, caller.scope),
  );
  groupRecords.on(
    'members',
    {
      summary: 'A retiree joins the group; 409 for a current member or a deceased retiree',
      body: schema.GroupMemberInput,
      code: 201,
    },
    (id, body, caller) => groups.addMember(id, body, caller.id, caller.scope),
  );

  app.post(
    '/api/activities/groups/:id/members/:retireeId/leave',
    route('activities.write', {
      retiree: 'path',
      retireeParam: 'retireeId',
      summary: 'A member leaves the group on a day (the membership is kept)',
      params: schema.RetireeParams,
      body: schema.GroupLeaveInput,
      response: { 200: schema.ActivityGroup, ...writeErrors },
    }),
    async (request) => {
      return groups.removeMember(
        request.params.id,
        request.params.retireeId,
        request.body,
        scopeOf(request.user!),
      );
    },
  );
};
