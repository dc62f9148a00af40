/**
 * Words of the staff records page (人员管理: 5.2.2, 5.2.3, 6.11.2.2). Translators edit
 * `locales/zh-CN.json`, which sets the keys, and `locales/en.json`, which must have the same ones.
 */
import { pageMessages } from '../../modules/messages.ts';
import en from './locales/en.json';
import zh from './locales/zh-CN.json';

export const staffMessages = pageMessages(zh, en);
