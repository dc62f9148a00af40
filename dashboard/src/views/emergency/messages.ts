/**
 * Words of the emergency management page (5.1.7 应急管理). Translators edit `locales/zh-CN.json`,
 * which sets the keys, and `locales/en.json`, which must have the same ones.
 */
import { pageMessages } from '../../modules/messages.ts';
import en from './locales/en.json';
import zh from './locales/zh-CN.json';

export const emergencyMessages = pageMessages(zh, en);
