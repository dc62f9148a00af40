export * from './alerts.ts';
export * from './auth.ts';
export * from './common.ts';
export * from './devices.ts';
export * from './family.ts';
export * from './live.ts';
export * from './reports.ts';
export * from './retirees.ts';
