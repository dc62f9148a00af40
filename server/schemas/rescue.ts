import { type Static, Type } from '@sinclair/typebox';
import { Literals, Nullable } from './common.ts';

/** The Emergency Rescue Card (应急救助卡, 6.5.2.6), shown beside every alert of the retiree. */
export const RescueCard = Type.Object({
  retireeId: Type.String(),
  name: Type.String(),
  gender: Literals(['male', 'female']),
  birthDate: Type.String(),
  age: Type.Integer(),
  address: Type.String(),
  phone: Type.String(),
  bloodType: Type.String(),
  medicalHistory: Type.String(),
  allergies: Type.Array(Type.String(), {
    description: 'allergies in the health record (6.5.2.3), each `name（detail）`',
  }),
  medications: Type.Array(Type.String(), {
    description: 'medication taken now (not ended) in the health record, each `name（detail）`',
  }),
  centre: Type.Object({ name: Type.String(), phone: Type.String() }),
  contacts: Type.Array(
    Type.Object({
      name: Type.String(),
      relation: Type.String(),
      phone: Type.String(),
      email: Nullable(Type.String()),
      priority: Type.Integer(),
    }),
  ),
});
export type RescueCard = Static<typeof RescueCard>;
