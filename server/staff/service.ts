/**
 * Staff records (5.2.2, 5.2.3, 6.11.2.2). Each member of staff's qualification certificates: a post
 * that asks for one is held by someone with it, so each has the day it expires, and one expiring
 * within the centre's notice days (`staff.certificate_notice_days`) is on its holder's and the
 * managers' work lists until it is renewed (the new number and days replace the old, audited).
 * The training sessions held, with who attended; data-protection training is due again
 * `staff.data_protection_days` after the last one attended, and from the day an account is made.
 */
import { randomUUID } from 'node:crypto';
import { daysBetween, yearOf } from '../calendar.ts';
import { badRequest, notFound } from '../errors.ts';
import { uuidOr404 } from '../ids.ts';
import type {
  DataProtectionStanding,
  Qualification,
  QualificationChange,
  QualificationInput,
  QualificationKind,
  QualificationQuery,
  QualificationStatus,
  StaffSummary,
  StaffSummaryQuery,
  Training,
  TrainingInput,
  TrainingKind,
  TrainingQuery,
} from '../schemas/staff.ts';
import { dayDeadline } from '../settings/deadlines.ts';
import { checkDate, notAfterToday, staffUser } from '../store/checks.ts';
import { Filter } from '../store/filter.ts';
import { RecordKeeper } from '../store/keeper.ts';
import { isoRequired } from '../store/rows.ts';

export const QUALIFICATION_NAMES: Record<QualificationKind, string> = {
  social_worker: '社会工作者职业资格证书',
  nurse: '护士执业证书',
  doctor: '医师执业证书',
  care_worker: '养老护理员职业技能等级证书',
  first_aid: '急救员证',
  psychological: '心理咨询相关证书',
  dietitian: '营养师证书',
  electrician: '电工作业证',
  fire_safety: '消防设施操作员证书',
  other: '其他证书',
};

export const TRAINING_NAMES: Record<TrainingKind, string> = {
  data_protection: '个人信息保护与档案保密',
  information: '信息化服务',
  skills: '业务技能',
  conduct: '政策法规与职业道德',
  safety: '安全与应急',
  other: '其他',
};

/** A certificate is on the work lists this many days before it expires. */
export const CERTIFICATE_NOTICE_DAYS = dayDeadline('staff.certificate_notice_days', 60, {
  title: '资格证书到期提前列入工作清单（天）',
  clause: '5.2.2',
  min: 0,
});

/** Data-protection training is due again this many days after the last one attended. */
export const DATA_PROTECTION_DAYS = dayDeadline('staff.data_protection_days', 365, {
  title: '个人信息保护培训间隔（天）',
  clause: '6.11.2.2',
  min: 30,
  max: 1095,
});

interface QualificationRow {
  id: string;
  user_id: string;
  user_name: string;
  role: string;
  kind: QualificationKind;
  name: string;
  number: string;
  issuer: string;
  issued_on: string | null;
  expires_on: string | null;
  notes: string;
  recorded_by_name: string;
  updated_at: Date;
}

interface TrainingRow {
  id: string;
  kind: TrainingKind;
  topic: string;
  held_on: string;
  hours: string | number;
  trainer: string;
  place: string;
  notes: string;
  recorded_by_name: string;
  recorded_at: Date;
}

const SELECT_QUALIFICATION = `select q.id, q.user_id, u.display_name as user_name, u.role, q.kind, q.name, q.number,
    q.issuer, q.issued_on::text as issued_on, q.expires_on::text as expires_on, q.notes,
    r.display_name as recorded_by_name, q.updated_at
  from staff_qualifications q join users u on u.id = q.user_id join users r on r.id = q.recorded_by`;

const SELECT_TRAINING = `select t.id, t.kind, t.topic, t.held_on::text as held_on, t.hours, t.trainer, t.place, t.notes,
    u.display_name as recorded_by_name, t.recorded_at
  from staff_trainings t join users u on u.id = t.recorded_by`;

/** A certificate's standing on `today`, given the notice days. */
export function qualificationStatus(
  expiresOn: string | null,
  today: string,
  noticeDays: number,
): { status: QualificationStatus; daysLeft: number | null } {
  if (expiresOn === null) return { status: 'valid', daysLeft: null };
  const daysLeft = daysBetween(today, expiresOn);
  if (daysLeft < 0) return { status: 'expired', daysLeft };
  return { status: daysLeft <= noticeDays ? 'expiring' : 'valid', daysLeft };
}

function checkSpan(issuedOn: string | null, expiresOn: string | null): void {
  if (issuedOn && expiresOn && expiresOn <= issuedOn) {
    throw badRequest('expiresOn: 有效期至应晚于发证日期 (after issuedOn)');
  }
}

/**
 * Each active member of staff with the day their data-protection training is next due: `$1` days
 * after the last session attended, or the account's first day (centre time) when none was.
 */
export const DATA_PROTECTION_DUE = `select u.id, u.display_name as name, u.role, d.last_on::text as last_on,
    coalesce(d.last_on + $1::int, (u.created_at at time zone 'Asia/Shanghai')::date)::text as due_on
  from users u
  left join lateral (
    select max(t.held_on) as last_on from staff_trainings t
      join staff_training_attendance a on a.training_id = t.id
     where a.user_id = u.id and t.kind = 'data_protection') d on true
  where u.role <> 'family' and not u.disabled`;

export class StaffRecords extends RecordKeeper {
  async qualifications(query: QualificationQuery): Promise<Qualification[]> {
    // A member of staff who has left (account disabled) holds no post: their certificates are not listed.
    const filter = new Filter()
      .id('q.user_id', query.userId, 'user')
      .when('q.kind = ?', query.kind)
      .where('not u.disabled');
    const rows = await this.db.query<QualificationRow>(
      `${SELECT_QUALIFICATION} where ${filter.sql}
        order by q.expires_on nulls last, u.display_name, q.kind, q.id`,
      filter.params,
    );
    const all = await this.qualificationsOf(rows);
    return query.status ? all.filter((row) => row.status === query.status) : all;
  }

  async qualification(id: string): Promise<Qualification> {
    const rows = await this.db.query<QualificationRow>(`${SELECT_QUALIFICATION} where q.id = $1`, [
      uuidOr404(id, 'qualification'),
    ]);
    if (!rows.length) throw notFound('qualification');
    return (await this.qualificationsOf(rows))[0] as Qualification;
  }

  /** A certificate of an active member of staff; its name is the kind's unless given (and must be for `other`). */
  async addQualification(input: QualificationInput, recordedBy: string): Promise<Qualification> {
    const userId = await staffUser(this.db, input.userId, 'userId');
    const issuedOn = input.issuedOn ? notAfterToday(input.issuedOn, 'issuedOn', this.today()) : null;
    const expiresOn = input.expiresOn ? checkDate(input.expiresOn, 'expiresOn') : null;
    checkSpan(issuedOn, expiresOn);
    const name = input.name?.trim() || (input.kind === 'other' ? '' : QUALIFICATION_NAMES[input.kind]);
    if (!name) throw badRequest('name: 请填写证书名称 (a name for a certificate of kind other)');
    const id = randomUUID();
    const now = this.clock();
    await this.db.query(
      `insert into staff_qualifications (id, user_id, kind, name, number, issuer, issued_on, expires_on, notes,
         recorded_by, recorded_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)`,
      [
        id,
        userId,
        input.kind,
        name,
        input.number?.trim() ?? '',
        input.issuer?.trim() ?? '',
        issuedOn,
        expiresOn,
        input.notes?.trim() ?? '',
        recordedBy,
        now,
      ],
    );
    return this.qualification(id);
  }

  /** A renewal (new number and days) or a correction: the fields given replace the stored ones. */
  async changeQualification(id: string, change: QualificationChange): Promise<Qualification> {
    await this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ issued_on: string | null; expires_on: string | null }>(
        `select issued_on::text as issued_on, expires_on::text as expires_on from staff_qualifications
          where id = $1 for update`,
        [uuidOr404(id, 'qualification')],
      );
      if (!row) throw notFound('qualification');
      const issuedOn =
        change.issuedOn === undefined
          ? row.issued_on
          : change.issuedOn && notAfterToday(change.issuedOn, 'issuedOn', this.today());
      const expiresOn =
        change.expiresOn === undefined
          ? row.expires_on
          : change.expiresOn && checkDate(change.expiresOn, 'expiresOn');
      checkSpan(issuedOn, expiresOn);
      await tx.query(
        `update staff_qualifications set name = coalesce($2, name), number = coalesce($3, number),
           issuer = coalesce($4, issuer), issued_on = $5, expires_on = $6, notes = coalesce($7, notes),
           updated_at = $8
         where id = $1`,
        [
          id,
          change.name?.trim() ?? null,
          change.number?.trim() ?? null,
          change.issuer?.trim() ?? null,
          issuedOn,
          expiresOn,
          change.notes?.trim() ?? null,
          this.clock(),
        ],
      );
    });
    return this.qualification(id);
  }

  /** A certificate entered by mistake is taken out (the audit log keeps the request); 404 when none. */
  async removeQualification(id: string): Promise<void> {
    const rows = await this.db.query('delete from staff_qualifications where id = $1 returning id', [
      uuidOr404(id, 'qualification'),
    ]);
    if (!rows.length) throw notFound('qualification');
  }

  async trainings(query: TrainingQuery): Promise<Training[]> {
    const filter = new Filter()
      .when('t.kind = ?', query.kind)
      .when('t.held_on >= ?::date', query.from)
      .when('t.held_on <= ?::date', query.to);
    if (query.userId) {
      const user = filter.param(uuidOr404(query.userId, 'user'));
      filter.where(
        `exists (select 1 from staff_training_attendance a where a.training_id = t.id and a.user_id = ${user})`,
      );
    }
    const rows = await this.db.query<TrainingRow>(
      `${SELECT_TRAINING} where ${filter.sql} order by t.held_on desc, t.recorded_at desc limit ${query.limit ?? 200}`,
      filter.params,
    );
    return this.trainingsOf(rows);
  }

  async training(id: string): Promise<Training> {
    const rows = await this.db.query<TrainingRow>(`${SELECT_TRAINING} where t.id = $1`, [
      uuidOr404(id, 'training'),
    ]);
    if (!rows.length) throw notFound('training');
    return (await this.trainingsOf(rows))[0] as Training;
  }

  /** A session held (not in the future), with the staff who attended (at least one). */
  async addTraining(input: TrainingInput, recordedBy: string): Promise<Training> {
    const heldOn = notAfterToday(input.heldOn, 'heldOn', this.today());
    const attendees = [...new Set(input.attendeeIds.map((id) => id.toLowerCase()))];
    for (const [index, attendee] of attendees.entries()) {
      await staffUser(this.db, attendee, `attendeeIds.${index}`);
    }
    const topic = input.topic.trim();
    if (!topic) throw badRequest('topic: 请填写培训主题');
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      await tx.query(
        `insert into staff_trainings (id, kind, topic, held_on, hours, trainer, place, notes, recorded_by, recorded_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          id,
          input.kind,
          topic,
          heldOn,
          input.hours,
          input.trainer?.trim() ?? '',
          input.place?.trim() ?? '',
          input.notes?.trim() ?? '',
          recordedBy,
          this.clock(),
        ],
      );
      await tx.query(
        'insert into staff_training_attendance (training_id, user_id) select $1, unnest($2::uuid[])',
        [id, attendees],
      );
    });
    return this.training(id);
  }

  /** A session entered by mistake is taken out with its attendance; 404 when none. */
  async removeTraining(id: string): Promise<void> {
    const training = uuidOr404(id, 'training');
    const removed = await this.db.transaction(async (tx) => {
      await tx.query('delete from staff_training_attendance where training_id = $1', [training]);
      return tx.query('delete from staff_trainings where id = $1 returning id', [training]);
    });
    if (!removed.length) throw notFound('training');
  }

  /**
   * Every active member of staff's data-protection training: the last session attended and the day
   * the next is due (from the account's first day when there was none), most overdue first.
   */
  async dataProtection(): Promise<DataProtectionStanding[]> {
    const days = await this.deadlines.days(DATA_PROTECTION_DAYS);
    const today = this.today();
    const rows = await this.db.query<{
      id: string;
      name: string;
      role: string;
      last_on: string | null;
      due_on: string;
    }>(`${DATA_PROTECTION_DUE} order by due_on, name, id`, [days]);
    return rows.map((row) => ({
      userId: row.id,
      name: row.name,
      role: row.role,
      lastTrainedOn: row.last_on,
      dueOn: row.due_on,
      overdue: row.due_on < today,
    }));
  }

  /** Each active member of staff in a year: certificates, those expiring or expired, hours trained. */
  async summary(query: StaffSummaryQuery): Promise<StaffSummary[]> {
    const today = this.today();
    const year = query.year ?? yearOf(today);
    const notice = await this.deadlines.days(CERTIFICATE_NOTICE_DAYS);
    const rows = await this.db.query<{
      id: string;
      name: string;
      role: string;
      qualifications: number;
      expiring: number;
      expired: number;
      hours: string | number;
      last_on: string | null;
    }>(
      `select u.id, u.display_name as name, u.role,
          (select count(*)::int from staff_qualifications q where q.user_id = u.id) as qualifications,
          (select count(*)::int from staff_qualifications q where q.user_id = u.id
             and q.expires_on >= $1::date and q.expires_on <= $1::date + $2::int) as expiring,
          (select count(*)::int from staff_qualifications q where q.user_id = u.id and q.expires_on < $1::date) as expired,
          (select coalesce(sum(t.hours), 0) from staff_trainings t join staff_training_attendance a on a.training_id = t.id
            where a.user_id = u.id and extract(year from t.held_on) = $3) as hours,
          (select max(t.held_on)::text from staff_trainings t join staff_training_attendance a on a.training_id = t.id
            where a.user_id = u.id and t.kind = 'data_protection') as last_on
        from users u where u.role <> 'family' and not u.disabled
        order by u.display_name, u.id`,
      [today, notice, year],
    );
    return rows.map((row) => ({
      userId: row.id,
      name: row.name,
      role: row.role,
      qualifications: row.qualifications,
      expiring: row.expiring,
      expired: row.expired,
      trainingHours: Number(row.hours),
      lastDataProtectionOn: row.last_on,
    }));
  }

  private async qualificationsOf(rows: QualificationRow[]): Promise<Qualification[]> {
    const notice = await this.deadlines.days(CERTIFICATE_NOTICE_DAYS);
    const today = this.today();
    return rows.map((row) => ({
      id: row.id,
      userId: row.user_id,
      userName: row.user_name,
      role: row.role,
      kind: row.kind,
      kindName: QUALIFICATION_NAMES[row.kind],
      name: row.name,
      number: row.number,
      issuer: row.issuer,
      issuedOn: row.issued_on,
      expiresOn: row.expires_on,
      ...qualificationStatus(row.expires_on, today, notice),
      notes: row.notes,
      recordedBy: row.recorded_by_name,
      updatedAt: isoRequired(row.updated_at),
    }));
  }

  private async trainingsOf(rows: TrainingRow[]): Promise<Training[]> {
    const ids = rows.map((row) => row.id);
    const people = ids.length
      ? await this.db.query<{ training_id: string; user_id: string; name: string }>(
          `select a.training_id, a.user_id, u.display_name as name from staff_training_attendance a
             join users u on u.id = a.user_id where a.training_id = any($1::uuid[]) order by u.display_name, u.id`,
          [ids],
        )
      : [];
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      kindName: TRAINING_NAMES[row.kind],
      topic: row.topic,
      heldOn: row.held_on,
      hours: Number(row.hours),
      trainer: row.trainer,
      place: row.place,
      notes: row.notes,
      attendees: people
        .filter((person) => person.training_id === row.id)
        .map((person) => ({ userId: person.user_id, name: person.name })),
      recordedBy: row.recorded_by_name,
      recordedAt: isoRequired(row.recorded_at),
    }));
  }
}
