/**
 * Staff records (5.2.2, 5.2.3, 6.11.2.2) under /api/staff: qualification certificates with their
 * expiry, training sessions with attendance, each member of staff's data-protection training and a
 * summary for the year, with Excel registers. Staff read them (a post's certificates are shown, as
 * its badge is, 5.2.4); supervisors and admins record them.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AreaOptions } from '../context.ts';
import type { ListColumn } from '../export/workbook.ts';
import { MAX_LIST_EXPORT_ROWS } from '../export/workbook.ts';
import { readErrors } from '../http/records.ts';
import { recordKinds } from '../http/resource.ts';
import { routeOptions } from '../http/route.ts';
import * as schema from '../schemas/staff.ts';

const route = routeOptions('staff');

const STATUS_NAMES: Record<schema.QualificationStatus, string> = {
  valid: '有效',
  expiring: '将到期',
  expired: '已过期',
};

const QUALIFICATION_COLUMNS: ListColumn<schema.Qualification>[] = [
  { header: '姓名', value: (row) => row.userName, width: 12 },
  { header: '证书类别', value: (row) => row.kindName, width: 24 },
  { header: '证书名称', value: (row) => row.name, width: 28 },
  { header: '证书编号', value: (row) => row.number, width: 20 },
  { header: '发证机关', value: (row) => row.issuer, width: 20 },
  { header: '发证日期', value: (row) => row.issuedOn ?? '', width: 12 },
  { header: '有效期至', value: (row) => row.expiresOn ?? '长期', width: 12 },
  { header: '状态', value: (row) => STATUS_NAMES[row.status], width: 8 },
  { header: '备注', value: (row) => row.notes, width: 24 },
];

const TRAINING_COLUMNS: ListColumn<schema.Training>[] = [
  { header: '培训日期', value: (row) => row.heldOn, width: 12 },
  { header: '类别', value: (row) => row.kindName, width: 20 },
  { header: '培训主题', value: (row) => row.topic, width: 32 },
  { header: '学时', value: (row) => row.hours, width: 8 },
  { header: '授课人', value: (row) => row.trainer, width: 12 },
  { header: '地点', value: (row) => row.place, width: 16 },
  { header: '参加人员', value: (row) => row.attendees.map((person) => person.name).join('、'), width: 36 },
  { header: '人数', value: (row) => row.attendees.length, width: 8 },
  { header: '记录人', value: (row) => row.recordedBy, width: 12 },
];

export const staffRoutes: FastifyPluginAsyncTypebox<AreaOptions> = async (app) => {
  const records = app.staffRecords;
  const kinds = recordKinds(app, route, { read: 'staff.read', write: 'staff.manage' });

  const qualifications = kinds('/api/staff/qualifications', schema.Qualification);
  qualifications.list(
    {
      summary:
        'Qualification certificates, soonest to expire first, with their standing (`status=expiring`: within the centre’s notice days)',
      query: schema.QualificationQuery,
    },
    (query) => records.qualifications(query),
  );
  qualifications.export(
    {
      summary: 'The register of qualification certificates as an Excel workbook',
      query: schema.QualificationQuery,
    },
    (query) => records.qualifications(query),
    {
      sheet: '资格证书',
      columns: QUALIFICATION_COLUMNS,
      file: 'staff-qualifications',
      name: '工作人员资格证书',
    },
  );
  qualifications.create(
    {
      summary:
        'A certificate a member of staff holds, with the day it expires (none: no expiry) (supervisor, admin)',
      body: schema.QualificationInput,
    },
    (body, caller) => records.addQualification(body, caller.id),
  );
  qualifications.one('One certificate', (id) => records.qualification(id));
  qualifications.remove('Take out a certificate entered by mistake (supervisor, admin)', (id) =>
    records.removeQualification(id),
  );
  qualifications.on(
    '',
    {
      method: 'patch',
      summary: 'Renew or correct a certificate: the fields given replace the stored ones (supervisor, admin)',
      body: schema.QualificationChange,
    },
    (id, body) => records.changeQualification(id, body),
  );

  const trainings = kinds('/api/staff/trainings', schema.Training);
  trainings.list(
    { summary: 'Training sessions, latest first, with who attended', query: schema.TrainingQuery },
    (query) => records.trainings(query),
  );
  trainings.export(
    {
      summary: 'The training register as an Excel workbook (same filters as the list)',
      query: schema.TrainingQuery,
    },
    (query) => records.trainings({ ...query, limit: MAX_LIST_EXPORT_ROWS }),
    { sheet: '培训记录', columns: TRAINING_COLUMNS, file: 'staff-trainings', name: '工作人员培训记录' },
  );
  trainings.create(
    {
      summary: 'A training session held, with the staff who attended (supervisor, admin)',
      body: schema.TrainingInput,
    },
    (body, caller) => records.addTraining(body, caller.id),
  );
  trainings.one('One training session', (id) => records.training(id));
  trainings.remove('Take out a training session entered by mistake (supervisor, admin)', (id) =>
    records.removeTraining(id),
  );

  app.get(
    '/api/staff/data-protection',
    route('staff.read', {
      summary:
        'Each active member of staff’s data-protection training (6.11.2.2): the last attended and the day the next is due, most overdue first',
      response: { 200: Type.Array(schema.DataProtectionStanding), ...readErrors },
    }),
    () => records.dataProtection(),
  );
  app.get(
    '/api/staff/summary',
    route('staff.read', {
      summary:
        'Each active member of staff in a year: certificates (expiring, expired) and hours of training',
      querystring: schema.StaffSummaryQuery,
      response: { 200: Type.Array(schema.StaffSummary), ...readErrors },
    }),
    (request) => records.summary(request.query),
  );
};
