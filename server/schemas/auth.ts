import { type Static, Type } from '@sinclair/typebox';

export const Role = Type.Union(
  [
    Type.Literal('admin'),
    Type.Literal('supervisor'),
    Type.Literal('operator'),
    Type.Literal('caseworker'),
    Type.Literal('family'),
  ],
  {
    description:
      'admin: everything; supervisor: staff on duty plus reassignment; operator: monitoring; caseworker: records; family: the family page of one retiree only (6.11.2.4)',
  },
);
export type Role = Static<typeof Role>;

export const User = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  role: Role,
  station: Type.Optional(
    Type.Union([Type.String(), Type.Null()], {
      description: "A caseworker's station (站点): they see its retirees only; null: the whole centre",
    }),
  ),
});
export type User = Static<typeof User>;

export const LoginBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 64 }),
  password: Type.String({ minLength: 1, maxLength: 256 }),
});
export type LoginBody = Static<typeof LoginBody>;

export const LoginResponse = Type.Object({
  token: Type.String({
    description: 'Bearer token for `Authorization: Bearer …` and the socket.io handshake',
  }),
  expiresAt: Type.String({ format: 'date-time' }),
  user: User,
});
export type LoginResponse = Static<typeof LoginResponse>;
