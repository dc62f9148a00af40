/**
 * Believable demo retirees: names, ages 75–98, homes in Chengdu, blood types, conditions and one
 * or two family contacts. Pure over the injected random source, so `--seed` gives the same people.
 */
import type { ContactInput, RetireeInput } from '../server/schemas/retirees.ts';
import { between, pick, type Random } from './vitals.ts';

const surnames = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '周',
  '吴',
  '徐',
  '孙',
  '马',
  '胡',
  '朱',
  '郭',
  '何',
  '罗',
  '高',
  '林',
  '邓',
  '曾',
  '彭',
  '唐',
  '蒋',
  '谢',
  '冯',
  '袁',
  '杜',
  '龚',
];
const maleGiven = [
  '建国',
  '国庆',
  '振华',
  '卫东',
  '志强',
  '德明',
  '保国',
  '长征',
  '立新',
  '文斌',
  '永福',
  '忠诚',
  '学军',
  '国华',
  '战胜',
  '连生',
  '光明',
  '树森',
  '铁军',
  '海洋',
];
const femaleGiven = [
  '秀英',
  '桂兰',
  '淑珍',
  '玉梅',
  '凤英',
  '丽华',
  '素芳',
  '翠萍',
  '红梅',
  '秀珍',
  '惠芬',
  '兰英',
  '建华',
  '淑华',
  '春梅',
];
const youngerGiven = [
  '伟',
  '静',
  '磊',
  '敏',
  '涛',
  '丽',
  '军',
  '燕',
  '勇',
  '娟',
  '斌',
  '霞',
  '杰',
  '芳',
  '鹏',
  '婷',
];

const districts: Array<{ district: string; streets: string[] }> = [
  { district: '武侯区', streets: ['玉林北路', '浆洗街', '科华北路', '红牌楼路', '簇桥街'] },
  { district: '锦江区', streets: ['东大街', '书院街', '莲桂南路', '静居寺路', '水井坊街'] },
  { district: '青羊区', streets: ['宽窄巷子街', '光华村街', '草堂路', '清江东路', '八宝街'] },
  { district: '金牛区', streets: ['营门口路', '抚琴西路', '沙湾路', '金府路', '五块石路'] },
  { district: '成华区', streets: ['建设路', '双林路', '府青路', '猛追湾街', '二仙桥东路'] },
];

const ranks = ['师级', '团级', '团级', '营级及以下', '营级及以下', '士官'];
const bloodTypes = ['A型 Rh+', 'B型 Rh+', 'O型 Rh+', 'O型 Rh+', 'AB型 Rh+', 'A型 Rh+', 'B型 Rh-'];
const conditions = [
  '高血压',
  '2型糖尿病',
  '冠心病',
  '慢性阻塞性肺疾病',
  '骨质疏松',
  '阵发性房颤',
  '脑梗死病史',
  '帕金森病（早期）',
  '白内障术后',
  '前列腺增生',
  '轻度认知障碍',
  '慢性肾功能不全',
];
const allergies = ['青霉素过敏', '磺胺类药物过敏', '无已知药物过敏', '无已知药物过敏'];

function mobile(random: Random): string {
  const prefix = pick(random, ['138', '139', '135', '136', '158', '159', '177', '180', '189', '199']);
  let rest = '';
  for (let i = 0; i < 8; i += 1) rest += String(Math.floor(random() * 10));
  return prefix + rest;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

function birthDate(random: Random, today: Date): string {
  const age = Math.floor(between(random, 75, 99));
  const month = 1 + Math.floor(random() * 12);
  const day = 1 + Math.floor(random() * 28);
  const birthdayToCome =
    month > today.getUTCMonth() + 1 || (month === today.getUTCMonth() + 1 && day > today.getUTCDate());
  const year = today.getUTCFullYear() - age - (birthdayToCome ? 1 : 0);
  return `${year}-${pad(month)}-${pad(day)}`;
}

export function ageOn(birth: string, today: Date): number {
  const [year, month, day] = birth.split('-').map(Number) as [number, number, number];
  let age = today.getUTCFullYear() - year;
  if (today.getUTCMonth() + 1 < month || (today.getUTCMonth() + 1 === month && today.getUTCDate() < day))
    age -= 1;
  return age;
}

function contacts(random: Random, surname: string, gender: 'male' | 'female'): ContactInput[] {
  const count = random() < 0.6 ? 2 : 1;
  const list: ContactInput[] = [];
  const relations = [
    { relation: '儿子', sameSurname: true },
    { relation: '女儿', sameSurname: true },
    { relation: gender === 'male' ? '妻子' : '丈夫', sameSurname: false },
    { relation: '儿媳', sameSurname: false },
    { relation: '女婿', sameSurname: false },
    { relation: '孙子', sameSurname: true },
  ];
  const used = new Set<string>();
  while (list.length < count) {
    const choice = pick(random, relations);
    if (used.has(choice.relation)) continue;
    used.add(choice.relation);
    const family = choice.sameSurname ? surname : pick(random, surnames);
    const given =
      choice.relation === '妻子' || choice.relation === '丈夫'
        ? pick(random, choice.relation === '妻子' ? femaleGiven : maleGiven)
        : pick(random, youngerGiven);
    list.push({
      name: family + given,
      relation: choice.relation,
      phone: mobile(random),
      priority: list.length + 1,
    });
  }
  return list;
}

/** One retiree's archive entry, ready for `POST /api/retirees`. */
export function createRetiree(random: Random, today = new Date()): RetireeInput {
  const gender = random() < 0.75 ? 'male' : 'female';
  const surname = pick(random, surnames);
  const name = surname + pick(random, gender === 'male' ? maleGiven : femaleGiven);
  const place = pick(random, districts);
  const address =
    `四川省成都市${place.district}${pick(random, place.streets)}${1 + Math.floor(random() * 180)}号` +
    `${1 + Math.floor(random() * 8)}栋${1 + Math.floor(random() * 3)}单元${1 + Math.floor(random() * 7)}0${1 + Math.floor(random() * 4)}室`;
  const history = new Set<string>();
  const conditionCount = 1 + Math.floor(random() * 3);
  while (history.size < conditionCount) history.add(pick(random, conditions));
  const medicalHistory = [...history, pick(random, allergies)].join('；');
  return {
    name,
    gender,
    birthDate: birthDate(random, today),
    rank: pick(random, ranks),
    address,
    phone: mobile(random),
    bloodType: pick(random, bloodTypes),
    medicalHistory,
    hrLow: null,
    hrHigh: history.has('阵发性房颤') ? 110 : null,
    contacts: contacts(random, surname, gender),
  };
}

export function createRetirees(count: number, random: Random, today = new Date()): RetireeInput[] {
  const people: RetireeInput[] = [];
  const names = new Set<string>();
  while (people.length < count) {
    const person = createRetiree(random, today);
    // Two residents with the same name would confuse the duty staff; draw again.
    if (names.has(person.name) && names.size < 400) continue;
    names.add(person.name);
    people.push(person);
  }
  return people;
}
