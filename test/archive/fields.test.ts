import { describe, expect, it } from 'vitest';
import { sniffType } from '../../server/archive/attachments.ts';
import { type ArchiveFields, ageOn, latestBirthForAge, validateFields } from '../../server/archive/fields.ts';
import { idCardCheckChar, idCardProblem } from '../../server/archive/idcard.ts';
import { maskIdCard } from '../../server/archive/store.ts';
import { centreDay } from '../../server/calendar.ts';

const base: ArchiveFields = {
  name: '张三',
  gender: 'male',
  birthDate: '1938-05-01',
  idCard: null,
  rank: '团级',
  centre: '',
  station: '',
  address: '',
  phone: '',
  bloodType: '',
  conditions: '',
  medication: '',
  allergies: '',
  livingSituation: '',
  bedridden: false,
  careArrangement: '',
  partyMember: false,
  partyBranch: '',
  hobbies: '',
  skills: '',
  serviceNeeds: '',
  status: 'active',
};
const today = '2026-06-15';
const check = (given: Partial<ArchiveFields>) => validateFields(given, { ...base, ...given }, today);

describe('ID-card numbers (GB 11643)', () => {
  it('computes the MOD 11-2 check character', () => {
    expect(idCardCheckChar('11010519491231002')).toBe('X');
    expect(idCardCheckChar('51010719380501001')).toBe('6');
    expect(idCardCheckChar('51010719400229003')).toBe('9');
  });

  it('accepts valid numbers, with a lower-case x too', () => {
    for (const id of [
      '11010519491231002X',
      '11010519491231002x',
      '510107193805010016',
      '510107194002290039',
    ]) {
      expect(idCardProblem(id)).toBeNull();
    }
  });

  it('names what is wrong with an invalid number', () => {
    expect(idCardProblem('510107193805010017')).toBe('checksum');
    expect(idCardProblem('110105194912310021')).toBe('checksum');
    expect(idCardProblem('51010719380501001')).toBe('format');
    expect(idCardProblem('5101071938050100A6')).toBe('format');
    expect(idCardProblem('510107193902290016')).toBe('birth_date'); // 1939 is no leap year
  });

  it('shows only the region and the last four in lists', () => {
    expect(maskIdCard('510107193805010016')).toBe('5101**********0016');
    expect(maskIdCard(null)).toBeNull();
  });
});

describe('field checks', () => {
  it('passes a good change', () => {
    expect(check({ idCard: '510107193805010016', phone: '13912345678', rank: '师级' })).toStrictEqual([]);
    expect(check({ phone: '028-85551234' })).toStrictEqual([]);
    expect(check({ phone: '' })).toStrictEqual([]);
  });

  it('gives each wrong field its own message', () => {
    const errors = check({
      idCard: '510107193805010017',
      phone: '12345',
      birthDate: '2026-06-16',
      rank: '将级',
      livingSituation: 'nowhere' as never,
      status: 'gone' as never,
      name: ' ',
    });
    expect(Object.fromEntries(errors.map((error) => [error.field, error.message]))).toStrictEqual({
      name: '姓名不能为空',
      birthDate: '出生日期不能晚于今天',
      idCard: '身份证号校验位不正确，请核对号码',
      rank: '职级应为师级、团级、营级及以下、士官之一',
      phone: '联系电话格式不正确：手机号为1开头的11位数字，座机如 028-12345678',
      livingSituation: '居住情况应为独居、与配偶同住、与家人同住、入住机构之一',
      status: '状态应为在册、出境、已故之一',
    });
  });

  it('rejects a date that is no calendar date and an ID card of the wrong length', () => {
    expect(check({ birthDate: '1938-02-30' })[0]?.message).toMatch(/不是有效日期/);
    expect(check({ idCard: '5101071938' })[0]?.message).toBe(
      '身份证号应为18位：前17位为数字，最后一位为数字或X',
    );
  });

  it('wants the ID card and the birth date to agree', () => {
    expect(check({ idCard: '510107194002290039' })).toStrictEqual([
      { field: 'idCard', message: '身份证号中的出生日期（1940-02-29）与出生日期（1938-05-01）不一致' },
    ]);
    expect(
      validateFields(
        { birthDate: '1938-05-02' },
        { ...base, idCard: '510107193805010016', birthDate: '1938-05-02' },
        today,
      ),
    ).toStrictEqual([
      { field: 'birthDate', message: '身份证号中的出生日期（1938-05-01）与出生日期（1938-05-02）不一致' },
    ]);
  });
});

describe('ages', () => {
  it('counts full years in Shanghai time', () => {
    expect(centreDay(new Date('2026-06-14T16:00:00Z'))).toBe('2026-06-15');
    expect(ageOn('1938-06-15', '2026-06-15')).toBe(88);
    expect(ageOn('1938-06-16', '2026-06-15')).toBe(87);
  });

  it('turns an age bound into the birth-date bound that agrees with ageOn', () => {
    const days = ['2026-06-15', '2028-02-29', '2027-02-28', '2027-03-01', '2026-12-31', '2026-01-01'];
    const births = [
      '1940-02-29',
      '1941-02-28',
      '1941-03-01',
      '1938-06-15',
      '1938-12-31',
      '1939-01-01',
      '1926-06-16',
    ];
    for (const day of days) {
      for (const birth of births) {
        for (const age of [80, 85, 86, 87, 88, 100]) {
          expect(birth <= latestBirthForAge(age, day), `${birth} on ${day} at least ${age}`).toBe(
            ageOn(birth, day) >= age,
          );
        }
      }
    }
  });
});

describe('attachment types by their first bytes', () => {
  it('knows each accepted type', () => {
    expect(sniffType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toBe('image/jpeg');
    expect(
      sniffType(
        Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c489', 'hex'),
      ),
    ).toBe('image/png');
    expect(sniffType(Buffer.from('%PDF-1.7\n'))).toBe('application/pdf');
    expect(sniffType(Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00', 'latin1'))).toBe('audio/mpeg');
    expect(sniffType(Buffer.from([0xff, 0xfb, 0x90, 0x64]))).toBe('audio/mpeg');
    expect(sniffType(Buffer.from('\x00\x00\x00\x20ftypM4A \x00\x00', 'latin1'))).toBe('audio/mp4');
    expect(sniffType(Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'))).toBe('audio/wav');
  });

  it('knows nothing else', () => {
    expect(sniffType(Buffer.from('<html><body>'))).toBeNull();
    expect(sniffType(Buffer.from('MZ\x90\x00', 'latin1'))).toBeNull();
    expect(sniffType(Buffer.alloc(0))).toBeNull();
  });
});
