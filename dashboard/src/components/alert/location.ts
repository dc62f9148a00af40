/**
 * Where a retiree is (their latest fix from a watch), their safe zone (防走失) and the blood pressure
 * their watch measured: the types the retiree page, the alert detail and the rescue card share. The
 * calls live with the retiree's other calls (api/retirees.ts).
 */
export type {
  BloodPressureAnswer,
  RetireeLocation,
  SafeZoneBody,
  SafeZoneRecord,
} from '../../../../server/location/schemas.ts';
export {
  bloodPressure,
  latestLocation,
  removeSafeZone,
  safeZone,
  setSafeZone,
} from '../../api/retirees.ts';
