/**
 * Words of the centre's affairs page (中心事务: 5.1.8, 5.3.2.4). Translators edit
 * `locales/zh-CN.json`, which sets the keys, and `locales/en.json`, which must have the same ones.
 */
import { pageMessages } from '../../modules/messages.ts';
import en from './locales/en.json';
import zh from './locales/zh-CN.json';

export const centreMessages = pageMessages(zh, en);
