/**
 * Words of the money page (资金管理: 6.3, 6.4.2.4, 6.5.2.1, 6.10.2.4). Translators edit
 * `locales/zh-CN.json`, which sets the keys, and `locales/en.json`, which must have the same ones.
 */
import { pageMessages } from '../../modules/messages.ts';
import en from './locales/en.json';
import zh from './locales/zh-CN.json';

export const payMessages = pageMessages(zh, en);
