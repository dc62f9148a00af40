/**
 * The fields of a retiree's archive record (6.11.1 a), their columns, their Chinese labels (used in
 * messages, the history, and as the headers of the import template and the export), and the checks
 * each value must pass. Messages are in Chinese, the interface language of the centre.
 */
import { idCardBirthDate, idCardProblem, isCalendarDate, normaliseIdCard } from './idcard.ts';

/** Rank levels: they decide approval chains (6.4.2.3–6.4.2.5). */
export const RANK_LEVELS = ['师级', '团级', '营级及以下', '士官'] as const;
export type RankLevel = (typeof RANK_LEVELS)[number];

export const GENDERS = { male: '男', female: '女' } as const;
export const LIVING_SITUATIONS = {
  alone: '独居',
  with_spouse: '与配偶同住',
  with_family: '与家人同住',
  institution: '入住机构',
} as const;
export const STATUSES = { active: '在册', abroad: '出境', deceased: '已故' } as const;

export type Gender = keyof typeof GENDERS;
export type LivingSituation = keyof typeof LIVING_SITUATIONS;
export type ArchiveStatus = keyof typeof STATUSES;

export interface ArchiveFields {
  name: string;
  gender: Gender;
  birthDate: string;
  idCard: string | null;
  rank: string;
  centre: string;
  station: string;
  address: string;
  phone: string;
  bloodType: string;
  conditions: string;
  medication: string;
  allergies: string;
  livingSituation: LivingSituation | '';
  bedridden: boolean;
  careArrangement: string;
  partyMember: boolean;
  partyBranch: string;
  hobbies: string;
  skills: string;
  serviceNeeds: string;
  status: ArchiveStatus;
}
export type ArchiveField = keyof ArchiveFields;

interface FieldSpec {
  column: string;
  label: string;
  kind: 'text' | 'boolean' | 'date' | 'choice' | 'idcard';
  /** Most characters for text. */
  max?: number;
  required?: boolean;
}

export const FIELDS: Record<ArchiveField, FieldSpec> = {
  name: { column: 'name', label: '姓名', kind: 'text', max: 64, required: true },
  gender: { column: 'gender', label: '性别', kind: 'choice', required: true },
  birthDate: { column: 'birth_date', label: '出生日期', kind: 'date', required: true },
  idCard: { column: 'id_card', label: '身份证号', kind: 'idcard' },
  rank: { column: 'rank', label: '职级', kind: 'choice', required: true },
  centre: { column: 'centre', label: '所属中心', kind: 'text', max: 64 },
  station: { column: 'station', label: '所属站点', kind: 'text', max: 64 },
  address: { column: 'address', label: '住址', kind: 'text', max: 256 },
  phone: { column: 'phone', label: '联系电话', kind: 'text', max: 32 },
  bloodType: { column: 'blood_type', label: '血型', kind: 'text', max: 8 },
  conditions: { column: 'medical_history', label: '疾病情况', kind: 'text', max: 2000 },
  medication: { column: 'medication', label: '用药情况', kind: 'text', max: 2000 },
  allergies: { column: 'allergies', label: '过敏史', kind: 'text', max: 1000 },
  livingSituation: { column: 'living_situation', label: '居住情况', kind: 'choice' },
  bedridden: { column: 'bedridden', label: '长期卧床', kind: 'boolean' },
  careArrangement: { column: 'care_arrangement', label: '照护安排', kind: 'text', max: 500 },
  partyMember: { column: 'party_member', label: '中共党员', kind: 'boolean' },
  partyBranch: { column: 'party_branch', label: '所在党支部', kind: 'text', max: 128 },
  hobbies: { column: 'hobbies', label: '兴趣爱好', kind: 'text', max: 500 },
  skills: { column: 'skills', label: '特长技能', kind: 'text', max: 500 },
  serviceNeeds: { column: 'service_needs', label: '个人服务需求', kind: 'text', max: 1000 },
  status: { column: 'status', label: '状态', kind: 'choice', required: true },
};

export const FIELD_NAMES = Object.keys(FIELDS) as ArchiveField[];

export interface FieldError {
  field: string;
  message: string;
}

const PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\+86 ?1[3-9]\d{9})$/;

const choiceList = (values: readonly string[]) => values.join('、');

/** Full years between a birth date and `today` (both YYYY-MM-DD). */
export function ageOn(birthDate: string, today: string): number {
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return today.slice(5) >= birthDate.slice(5) ? years : years - 1;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** The latest birth date of someone at least `age` full years old on `today`. */
export function latestBirthForAge(age: number, today: string): string {
  const year = Number(today.slice(0, 4)) - age;
  let monthDay = today.slice(5);
  if (monthDay === '02-29' && !isLeap(year)) monthDay = '02-28';
  return `${String(year).padStart(4, '0')}-${monthDay}`;
}

/**
 * Checks the given values, each alone and together with the rest of the record (`merged`: the record
 * as it would be after the change). Empty list: all good.
 */
export function validateFields(
  given: Partial<Record<ArchiveField, unknown>>,
  merged: ArchiveFields,
  today: string,
): FieldError[] {
  const errors: FieldError[] = [];
  const fail = (field: ArchiveField, message: string) => errors.push({ field, message });
  for (const field of FIELD_NAMES) {
    if (!(field in given)) continue;
    const value = given[field];
    const spec = FIELDS[field];
    if (spec.kind === 'boolean') {
      if (typeof value !== 'boolean') fail(field, `${spec.label}应为“是”或“否”`);
      continue;
    }
    if (value === null && field === 'idCard') continue;
    if (typeof value !== 'string') {
      fail(field, `${spec.label}应为文字`);
      continue;
    }
    const text = value.trim();
    if (spec.required && text === '') {
      fail(field, `${spec.label}不能为空`);
      continue;
    }
    if (spec.max !== undefined && text.length > spec.max) {
      fail(field, `${spec.label}不能超过${spec.max}个字`);
      continue;
    }
    switch (field) {
      case 'gender':
        if (!(text in GENDERS)) fail(field, '性别应为“男”或“女”');
        break;
      case 'rank':
        if (!(RANK_LEVELS as readonly string[]).includes(text)) {
          fail(field, `职级应为${choiceList(RANK_LEVELS)}之一`);
        }
        break;
      case 'livingSituation':
        if (text !== '' && !(text in LIVING_SITUATIONS)) {
          fail(field, `居住情况应为${choiceList(Object.values(LIVING_SITUATIONS))}之一`);
        }
        break;
      case 'status':
        if (!(text in STATUSES)) fail(field, `状态应为${choiceList(Object.values(STATUSES))}之一`);
        break;
      case 'birthDate':
        if (!isCalendarDate(text)) fail(field, '出生日期不是有效日期，应为“年-月-日”，如 1938-05-01');
        else if (text > today) fail(field, '出生日期不能晚于今天');
        else if (text < '1900-01-01') fail(field, '出生日期不能早于1900年');
        break;
      case 'phone':
        if (text !== '' && !PHONE.test(text.replace(/\s+/g, ' '))) {
          fail(field, '联系电话格式不正确：手机号为1开头的11位数字，座机如 028-12345678');
        }
        break;
      case 'idCard': {
        if (text === '') break;
        const problem = idCardProblem(text);
        if (problem === 'format') fail(field, '身份证号应为18位：前17位为数字，最后一位为数字或X');
        else if (problem === 'birth_date') fail(field, '身份证号中的出生日期（第7至14位）不是有效日期');
        else if (problem === 'checksum') fail(field, '身份证号校验位不正确，请核对号码');
        break;
      }
    }
  }
  // The ID card carries the birth date: the two must agree, whichever of them changed.
  const touched = 'idCard' in given || 'birthDate' in given;
  const reported = errors.some((error) => error.field === 'idCard' || error.field === 'birthDate');
  if (touched && !reported && merged.idCard) {
    const fromCard = idCardBirthDate(normaliseIdCard(merged.idCard));
    if (fromCard && fromCard !== merged.birthDate) {
      fail(
        'idCard' in given ? 'idCard' : 'birthDate',
        `身份证号中的出生日期（${fromCard}）与出生日期（${merged.birthDate}）不一致`,
      );
    }
  }
  return errors;
}

/** The stored form of a valid value: text trimmed, an empty ID card as null, X upper-case. */
export function normaliseValue(field: ArchiveField, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (field === 'idCard') return text === '' ? null : normaliseIdCard(text);
  return text;
}

/** A value as the history keeps it: text, or null for none. */
export function historyText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? '是' : '否';
  return String(value);
}
