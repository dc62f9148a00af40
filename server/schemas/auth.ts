import { type Static, Type } from '@sinclair/typebox';
import { Literals } from './common.ts';

export const Role = Literals(['admin', 'supervisor', 'operator', 'caseworker', 'family'], {
  description:
    'admin: everything; supervisor: staff on duty plus reassignment; operator: monitoring; caseworker: records; family: the family page of one retiree only (6.11.2.4)',
});
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
  totpEnabled: Type.Optional(Type.Boolean({ description: 'A TOTP second factor is enrolled' })),
  disabled: Type.Optional(Type.Boolean({ description: 'Disabled: the account cannot sign in' })),
});
export type User = Static<typeof User>;

export const TotpCode = Type.String({
  pattern: '^[0-9]{6}$',
  description: 'The six-digit code of the authenticator app (RFC 6238: SHA-1, 30 s)',
});

export const LoginBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 64 }),
  password: Type.String({ minLength: 1, maxLength: 256 }),
  totp: Type.Optional(TotpCode),
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

/**
 * A sign-in that needs one more step: `totp_required` (send the code as `totp`), `totp_invalid`,
 * or `totp_enrolment_required` (an admin without TOTP: `enrolmentToken` opens the enrolment
 * routes for a few minutes and nothing else).
 */
export const LoginChallenge = Type.Object({
  error: Type.String(),
  message: Type.String(),
  enrolmentToken: Type.Optional(Type.String()),
  enrolmentExpiresAt: Type.Optional(Type.String({ format: 'date-time' })),
});
export type LoginChallenge = Static<typeof LoginChallenge>;

export const TotpSetup = Type.Object({
  secret: Type.String({ description: 'Base32 secret, shown once, for typing into the app' }),
  otpauthUri: Type.String({
    description: 'otpauth://totp/… for the authenticator app (as a QR code or text)',
  }),
});
export type TotpSetup = Static<typeof TotpSetup>;

export const EnrolmentBody = Type.Object(
  { enrolmentToken: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
export const EnrolmentConfirmBody = Type.Object(
  { enrolmentToken: Type.String({ minLength: 1, maxLength: 200 }), code: TotpCode },
  { additionalProperties: false },
);
export const TotpCodeBody = Type.Object({ code: TotpCode }, { additionalProperties: false });
export type TotpCodeBody = Static<typeof TotpCodeBody>;

export const PasswordChangeBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 256 }),
    newPassword: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);
export type PasswordChangeBody = Static<typeof PasswordChangeBody>;
