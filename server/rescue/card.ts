/**
 * The Emergency Rescue Card (应急救助卡, 6.5.2.6): name, address, blood type, medical history, the
 * centre, and the relatives' phone numbers, in the order they are to be called.
 */

import type { RescueCard } from '../schemas/rescue.ts';
import type { RetireeRecord } from '../schemas/retirees.ts';

/** Whole years between a YYYY-MM-DD birth date and `on`. */
export function ageOn(birthDate: string, on: Date): number {
  const [year, month, day] = birthDate.split('-').map(Number) as [number, number, number];
  let age = on.getUTCFullYear() - year;
  if (on.getUTCMonth() + 1 < month || (on.getUTCMonth() + 1 === month && on.getUTCDate() < day)) age -= 1;
  return age;
}

export function rescueCard(
  retiree: RetireeRecord,
  centre: { name: string; phone: string },
  now: Date,
): RescueCard {
  return {
    retireeId: retiree.id,
    name: retiree.name,
    gender: retiree.gender,
    birthDate: retiree.birthDate,
    age: ageOn(retiree.birthDate, now),
    address: retiree.address,
    phone: retiree.phone,
    bloodType: retiree.bloodType,
    medicalHistory: retiree.medicalHistory,
    centre: { ...centre },
    contacts: [...retiree.contacts]
      .sort((a, b) => a.priority - b.priority)
      .map(({ name, relation, phone, email, priority }) => ({ name, relation, phone, email, priority })),
  };
}
