/**
 * Words of the alert panel's own parts (the call dialog, the security panel). Translators edit
 * `locales/zh-CN.json`, which sets the keys, and `locales/en.json`, which must have the same ones.
 */
import { pageMessages } from '../../modules/messages.ts';
import en from './locales/en.json';
import zh from './locales/zh-CN.json';

export const alertPanelMessages = pageMessages(zh, en);
