import { FormatRegistry } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { getDefinition } from '../../devices/index.ts';
import { RetireeInput } from '../../server/schemas/retirees.ts';
import { ageOn, createRetirees } from '../../simulators/people.ts';
import { devicesFor } from '../../simulators/provision.ts';
import { createRandom } from '../../simulators/vitals.ts';

// TypeBox checks formats only once they are registered; the server registers its own.
if (!FormatRegistry.Has('date')) {
  FormatRegistry.Set(
    'date',
    (value) => /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)),
  );
}
if (!FormatRegistry.Has('email')) FormatRegistry.Set('email', (value) => /^[^@\s]+@[^@\s]+$/.test(value));

describe('demo retirees', () => {
  const today = new Date(Date.UTC(2026, 5, 15));
  const people = createRetirees(40, createRandom(11), today);

  it('are valid API bodies with believable details', () => {
    for (const person of people) {
      const errors = [...Value.Errors(RetireeInput, person)].map((error) => `${error.path} ${error.message}`);
      expect(errors).toStrictEqual([]);
      const age = ageOn(person.birthDate, today);
      expect(age).toBeGreaterThanOrEqual(75);
      expect(age).toBeLessThanOrEqual(98);
      expect(person.address).toMatch(/^四川省成都市/);
      expect(person.name).toMatch(/^[\u4e00-\u9fa5]{2,3}$/);
      expect(person.contacts?.length).toBeGreaterThanOrEqual(1);
      expect(person.contacts?.length).toBeLessThanOrEqual(2);
      expect(person.medicalHistory).not.toBe('');
    }
    expect(new Set(people.map((person) => person.name)).size).toBe(people.length);
  });

  it('are the same for the same seed', () => {
    expect(createRetirees(5, createRandom(2), today)).toStrictEqual(
      createRetirees(5, createRandom(2), today),
    );
  });

  it('get devices of types the hub knows', () => {
    for (let index = 0; index < 6; index += 1) {
      for (const device of devicesFor(index)) expect(getDefinition(device.type), device.type).toBeDefined();
    }
  });
});
