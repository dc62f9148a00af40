/**
 * Words of the compliance page (合规管理: the access log, the audit log, consents, a person's data).
 * Translators edit `locales/zh-CN.json`, which sets the keys, and `locales/en.json`, which must
 * have the same ones.
 */
import { pageMessages } from '../../modules/messages.ts';
import en from './locales/en.json';
import zh from './locales/zh-CN.json';

export const complianceMessages = pageMessages(zh, en);
