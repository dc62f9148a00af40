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
import {
  type ListColumn,
  listWorkbook,
  MAX_LIST_EXPORT_ROWS,
  sendWorkbook,
  workbookResponse,
  XLSX_MEDIA_TYPE,
} from '../export/workbook.ts';
import { readErrors, userId, writeErrors } from '../http/records.ts';
import { routeOptions } from '../http/route.ts';
import {
  ActivityEvent,
  ActivityEventInput,
  ActivityGroup,
  ActivityGroupInput,
  ActivityPlan,
  ActivityPlanInput,
  AttendanceInput,
  EventCancelInput,
  EventCoverInput,
  EventQuery,
  GroupLeaveInput,
  GroupMemberInput,
  PlanItemInput,
  PlanQuery,
  RetireeParams,
  SignUpInput,
} from '../schemas/activities.ts';
import { IdParams } from '../schemas/common.ts';
import { scopeOf } from '../store/scope.ts';
import { ATTENDANCE_NAMES, EVENT_STATUS_NAMES } from './names.ts';

const route = routeOptions('activities');

/** An instant as the centre's date and time, written the way zh-CN writes them. */
const centreTime = (value: string) =>
  new Date(value).toLocaleString('zh-CN', { timeZone: CENTRE_TIME_ZONE, hour12: false });

/** One row per sign-up (an event without any still has its row): the event with its attendance. */
interface EventRow {
  event: ActivityEvent;
  signup: ActivityEvent['signups'][number] | null;
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
  group: ActivityGroup;
  member: ActivityGroup['members'][number] | null;
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

  app.get(
    '/api/activities/plans',
    route('activities.read', {
      summary: 'Yearly culture-and-sport plans (6.6.2.2) with their items',
      querystring: PlanQuery,
      response: { 200: Type.Array(ActivityPlan), ...readErrors },
    }),
    async (request) => {
      return plans.list(request.query);
    },
  );

  app.post(
    '/api/activities/plans',
    route('activities.write', {
      summary: 'The plan of a year; 409 when the year has one',
      body: ActivityPlanInput,
      response: { 201: ActivityPlan, ...writeErrors },
    }),
    async (request, reply) => {
      return reply.code(201).send(await plans.create(request.body, userId(request)));
    },
  );

  app.post(
    '/api/activities/plans/:id/items',
    route('activities.write', {
      summary: 'An item of the plan, for the ages, health and skills it suits',
      params: IdParams,
      body: PlanItemInput,
      response: { 201: ActivityPlan, ...writeErrors },
    }),
    async (request, reply) => {
      return reply.code(201).send(await plans.addItem(request.params.id, request.body));
    },
  );

  app.get(
    '/api/activities/events',
    route('activities.read', {
      summary: 'Events, latest first, by the Beijing day they start on',
      querystring: EventQuery,
      response: { 200: Type.Array(ActivityEvent), ...readErrors },
    }),
    async (request) => {
      return events.list(request.query, scopeOf(request.user!));
    },
  );

  app.get(
    '/api/activities/events/export.xlsx',
    route('activities.read', {
      summary: 'Events with their sign-ups and attendance as an Excel workbook (same filters as the list)',
      querystring: EventQuery,
      produces: [XLSX_MEDIA_TYPE],
      response: { 200: workbookResponse, ...readErrors },
    }),
    async (request, reply) => {
      const list = await events.list(
        { ...request.query, limit: MAX_LIST_EXPORT_ROWS },
        scopeOf(request.user!),
      );
      const rows: EventRow[] = list.flatMap((event) =>
        event.signups.length === 0
          ? [{ event, signup: null }]
          : event.signups.map((signup): EventRow => ({ event, signup })),
      );
      return sendWorkbook(
        reply,
        await listWorkbook('文体活动出勤', EVENT_COLUMNS, rows.slice(0, MAX_LIST_EXPORT_ROWS)),
        'activity-events',
        '文体活动出勤',
      );
    },
  );

  app.post(
    '/api/activities/events',
    route('activities.write', {
      summary: 'A new event (planned); it is confirmed once staff and medical cover are in place',
      body: ActivityEventInput,
      response: { 201: ActivityEvent, ...writeErrors },
    }),
    async (request, reply) => {
      return reply.code(201).send(await events.create(request.body, userId(request), scopeOf(request.user!)));
    },
  );

  app.get(
    '/api/activities/events/:id',
    route('activities.read', {
      summary: 'One event with its staff, cover and sign-ups',
      params: IdParams,
      response: { 200: ActivityEvent, ...readErrors },
    }),
    async (request) => {
      return events.byId(request.params.id, scopeOf(request.user!));
    },
  );

  app.put(
    '/api/activities/events/:id/cover',
    route('activities.write', {
      summary: 'The staff on duty and the medical cover (6.6.2.5); a confirmed event keeps both',
      params: IdParams,
      body: EventCoverInput,
      response: { 200: ActivityEvent, ...writeErrors },
    }),
    async (request) => {
      return events.setCover(request.params.id, request.body, scopeOf(request.user!));
    },
  );

  app.post(
    '/api/activities/events/:id/confirm',
    route('activities.write', {
      summary: 'Confirm the event; 409 naming what is missing while staff or medical cover is not in place',
      params: IdParams,
      response: { 200: ActivityEvent, ...writeErrors },
    }),
    async (request) => {
      return events.confirm(request.params.id, userId(request), scopeOf(request.user!));
    },
  );

  app.post(
    '/api/activities/events/:id/cancel',
    route('activities.write', {
      summary: 'Cancel the event before it starts, with the reason',
      params: IdParams,
      body: EventCancelInput,
      response: { 200: ActivityEvent, ...writeErrors },
    }),
    async (request) => {
      return events.cancel(request.params.id, request.body, scopeOf(request.user!));
    },
  );

  app.post(
    '/api/activities/events/:id/signups',
    route('activities.write', {
      summary: 'Sign a retiree up; 409 when full, already signed up, deceased, cancelled or started',
      params: IdParams,
      body: SignUpInput,
      response: { 201: ActivityEvent, ...writeErrors },
    }),
    async (request, reply) => {
      return reply
        .code(201)
        .send(
          await events.signUp(
            request.params.id,
            request.body.retireeId,
            userId(request),
            scopeOf(request.user!),
          ),
        );
    },
  );

  app.post(
    '/api/activities/events/:id/signups/:retireeId/withdraw',
    route('activities.write', {
      retiree: 'path',
      retireeParam: 'retireeId',
      summary: 'Withdraw a sign-up before the event starts',
      params: RetireeParams,
      response: { 200: ActivityEvent, ...writeErrors },
    }),
    async (request) => {
      return events.withdraw(request.params.id, request.params.retireeId, scopeOf(request.user!));
    },
  );

  app.post(
    '/api/activities/events/:id/attendance',
    route('activities.write', {
      summary: 'Record attendance of signed-up retirees once the confirmed event has started',
      params: IdParams,
      body: AttendanceInput,
      response: { 200: ActivityEvent, ...writeErrors },
    }),
    async (request) => {
      return events.recordAttendance(
        request.params.id,
        request.body,
        userId(request),
        scopeOf(request.user!),
      );
    },
  );

  app.get(
    '/api/activities/groups',
    route('activities.read', {
      summary: 'Interest groups (6.6.2.3) with leader and members',
      response: { 200: Type.Array(ActivityGroup), ...readErrors },
    }),
    async (request) => {
      return groups.list(scopeOf(request.user!));
    },
  );

  app.get(
    '/api/activities/groups/export.xlsx',
    route('activities.read', {
      summary: 'Interest groups with their members as an Excel workbook',
      produces: [XLSX_MEDIA_TYPE],
      response: { 200: workbookResponse, ...readErrors },
    }),
    async (request, reply) => {
      const list = await groups.list(scopeOf(request.user!));
      const rows: MemberRow[] = list.flatMap((group) =>
        group.members.length === 0
          ? [{ group, member: null }]
          : group.members.map((member): MemberRow => ({ group, member })),
      );
      return sendWorkbook(
        reply,
        await listWorkbook('兴趣小组成员', GROUP_COLUMNS, rows.slice(0, MAX_LIST_EXPORT_ROWS)),
        'activity-groups',
        '兴趣小组成员',
      );
    },
  );

  app.post(
    '/api/activities/groups',
    route('activities.write', {
      summary: 'A new interest group; its leader joins as the first member',
      body: ActivityGroupInput,
      response: { 201: ActivityGroup, ...writeErrors },
    }),
    async (request, reply) => {
      return reply.code(201).send(await groups.create(request.body, userId(request), scopeOf(request.user!)));
    },
  );

  app.post(
    '/api/activities/groups/:id/members',
    route('activities.write', {
      summary: 'A retiree joins the group; 409 for a current member or a deceased retiree',
      params: IdParams,
      body: GroupMemberInput,
      response: { 201: ActivityGroup, ...writeErrors },
    }),
    async (request, reply) => {
      return reply
        .code(201)
        .send(
          await groups.addMember(request.params.id, request.body, userId(request), scopeOf(request.user!)),
        );
    },
  );

  app.post(
    '/api/activities/groups/:id/members/:retireeId/leave',
    route('activities.write', {
      retiree: 'path',
      retireeParam: 'retireeId',
      summary: 'A member leaves the group on a day (the membership is kept)',
      params: RetireeParams,
      body: GroupLeaveInput,
      response: { 200: ActivityGroup, ...writeErrors },
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
