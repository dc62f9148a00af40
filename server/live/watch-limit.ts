/**
 * How many retirees, and how many devices, one live socket may watch (`watch`): the hub refuses a
 * longer list, and the dashboard asks for no more.
 */
export const WATCH_LIMIT = 5_000;
