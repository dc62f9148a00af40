/**
 * Words of the contributions page (6.9 发挥军休干部优势和作用). Translators edit `locales/zh-CN.json`, which sets
 * the keys, and `locales/en.json`, which must have the same ones.
 */
import { pageMessages } from '../../modules/messages.ts';
import en from './locales/en.json';
import zh from './locales/zh-CN.json';

export const contributionMessages = pageMessages(zh, en);
