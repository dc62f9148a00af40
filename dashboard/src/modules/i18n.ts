/**
 * vue-i18n and the Element Plus locale, kept in step; the choice survives a reload. The global
 * messages (locales/) are the frame's words: header, sign-in, common words, the wall and alerts of
 * the shared components. Each page brings its own words in its folder's `messages.ts`, loaded with it.
 */
import elementEnglish from 'element-plus/es/locale/lang/en';
import elementChinese from 'element-plus/es/locale/lang/zh-cn';
import { computed } from 'vue';
import { createI18n } from 'vue-i18n';
import en from '../locales/en.ts';
import zhCN from '../locales/zh-CN.ts';

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
  messages: { 'zh-CN': zhCN, en },
});

export const currentLocale = computed<Locale>(() => (i18n.global.locale.value === 'en' ? 'en' : 'zh-CN'));

export const elementLocale = computed(() => (currentLocale.value === 'en' ? elementEnglish : elementChinese));

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  localStorage.setItem(storageKey, locale);
  document.documentElement.lang = locale;
}

document.documentElement.lang = savedLocale();

/** A page's words in both languages (its `messages.ts`), given to `useI18n({ messages })`. */
export type PageMessages<Words extends Record<string, unknown>> = { 'zh-CN': Words; en: Words };

/** The words of two pages for one component (a page's part that borrows another page's words). */
export function joinMessages<A extends Record<string, unknown>, B extends Record<string, unknown>>(
  first: PageMessages<A>,
  second: PageMessages<B>,
): PageMessages<A & B> {
  return { 'zh-CN': { ...first['zh-CN'], ...second['zh-CN'] }, en: { ...first.en, ...second.en } };
}
