/**
 * Words of the political life and reception page (6.2). Translators edit `locales/zh-CN.json`, which
 * sets the keys, and `locales/en.json`, which must have the same ones.
 */
import { pageMessages } from '../../modules/messages.ts';
import en from './locales/en.json';
import zh from './locales/zh-CN.json';

export const receptionMessages = pageMessages(zh, en);
