/**
 * The Emergency Rescue Card (应急救助卡, 6.5.2.6): name, address, blood type, medical history, the
 * centre, and the relatives' phone numbers, in the order they are to be called; with the allergies
 * and the medication taken now from the health record (6.5.2.3), which a hand-over to 120 passes on.
 */
import { ageOn } from '../archive/fields.ts';
import { centreDay } from '../calendar.ts';
import type { Queryable } from '../db/database.ts';
import { cardHealth } from '../medical/health.ts';
import type { RescueCard } from '../schemas/rescue.ts';
import type { RetireeRecord } from '../schemas/retirees.ts';

export function rescueCard(
  retiree: RetireeRecord,
  centre: { name: string; phone: string },
  now: Date,
  health: { allergies: string[]; medications: string[] } = { allergies: [], medications: [] },
): RescueCard {
  return {
    retireeId: retiree.id,
    name: retiree.name,
    gender: retiree.gender,
    birthDate: retiree.birthDate,
    // The age turns over at midnight in the centre, not in UTC (8:00 in Beijing).
    age: ageOn(retiree.birthDate, centreDay(now)),
    address: retiree.address,
    phone: retiree.phone,
    bloodType: retiree.bloodType,
    medicalHistory: retiree.medicalHistory,
    allergies: health.allergies,
    medications: health.medications,
    centre: { ...centre },
    contacts: [...retiree.contacts]
      .sort((a, b) => a.priority - b.priority)
      .map(({ name, relation, phone, email, priority }) => ({ name, relation, phone, email, priority })),
  };
}

/** The card of `retiree` at `now`, with the allergies and medication its health record holds then. */
export async function currentRescueCard(
  db: Queryable,
  retiree: RetireeRecord,
  centre: { name: string; phone: string },
  now: Date = new Date(),
): Promise<RescueCard> {
  return rescueCard(retiree, centre, now, await cardHealth(db, retiree.id, centreDay(now)));
}
