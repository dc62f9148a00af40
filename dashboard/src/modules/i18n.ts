/**
 * vue-i18n and the Element Plus locale, kept in step; the choice survives a reload. The global
 * messages (locales/zh-CN.json, locales/en.json) are the frame's words: header, sign-in, common
 * words (`common`, the buttons every page says alike), the wall, alerts and the heart-rate chart
 * (`chart`) of the shared components; `nav.` holds the records menu, and each page's own title
 * under it comes from its route.ts. Chinese first, in the terms staff on duty use (值班, 告警, 确认,
 * 处理完成, 紧急联系人). Each page brings its own words in its folder's `locales/*.json`, paired by its
 * `messages.ts` and loaded with it.
 */
import elementEnglish from 'element-plus/es/locale/lang/en';
import elementChinese from 'element-plus/es/locale/lang/zh-cn';
import { computed } from 'vue';
import { createI18n } from 'vue-i18n';
import en from '../locales/en.json';
import zhCN from '../locales/zh-CN.json';
import { type PageMessages, pageMessages } from './messages.ts';

export type Locale = 'zh-CN' | 'en';
export const locales: readonly Locale[] = ['zh-CN', 'en'];

const storageKey = 'junxiu.locale';

function savedLocale(): Locale {
  const saved = localStorage.getItem(storageKey);
  return saved === 'en' ? 'en' : 'zh-CN';
}

export const i18n = createI18n({
  legacy: false,
  locale: savedLocale(),
  fallbackLocale: 'zh-CN',
  messages: pageMessages(zhCN, en),
});

export const currentLocale = computed<Locale>(() => (i18n.global.locale.value === 'en' ? 'en' : 'zh-CN'));

export const elementLocale = computed(() => (currentLocale.value === 'en' ? elementEnglish : elementChinese));

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  localStorage.setItem(storageKey, locale);
  document.documentElement.lang = locale;
}

document.documentElement.lang = savedLocale();

export type { PageMessages };

/** The words of two pages for one component (a page's part that borrows another page's words). */
export function joinMessages<A extends Record<string, unknown>, B extends Record<string, unknown>>(
  first: PageMessages<A>,
  second: PageMessages<B>,
): PageMessages<A & B> {
  return { 'zh-CN': { ...first['zh-CN'], ...second['zh-CN'] }, en: { ...first.en, ...second.en } };
}
