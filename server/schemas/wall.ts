import { type Static, Type } from '@sinclair/typebox';
import { Severity } from './alerts.ts';
import { Nullable, Offset } from './common.ts';
import { RetireeSummary } from './retirees.ts';

export const WallQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 120, description: 'Tiles a page' })),
  offset: Type.Optional(Offset),
  q: Type.Optional(
    Type.String({
      maxLength: 64,
      description: 'Part of a name; retirees with an active alert are listed whatever it says',
    }),
  ),
});
export type WallQuery = Static<typeof WallQuery>;

/** One tile: the wall's summary and what the retiree's active alerts say. */
export const WallTile = Type.Object({
  ...RetireeSummary.properties,
  openAlerts: Type.Integer({ description: 'Active alerts not yet acknowledged' }),
  acknowledgedAlerts: Type.Integer({ description: 'Active alerts acknowledged or being handled' }),
  worstSeverity: Nullable(Severity, { description: 'The worst severity among the active alerts' }),
});
export type WallTile = Static<typeof WallTile>;

export const WallPage = Type.Object({
  items: Type.Array(WallTile, {
    description:
      'Unacknowledged alerts first (worst severity first), then alerts being handled, then everyone else by name',
  }),
  total: Type.Integer({ description: 'Tiles the list holds with this `q` (every alerting retiree counts)' }),
  attention: Type.Integer({ description: 'Retirees in scope with any active alert' }),
  offlineDevices: Type.Integer({ description: 'Offline devices bound to retirees in scope' }),
  limit: Type.Integer(),
  offset: Type.Integer(),
});
export type WallPage = Static<typeof WallPage>;
