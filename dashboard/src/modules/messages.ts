/**
 * Words in both languages. Translators edit JSON: a page's in its folder (`locales/zh-CN.json`,
 * `locales/en.json`), paired here by its `messages.ts` and given to `useI18n({ messages })`; the
 * frame's in `dashboard/src/locales/`, paired here by `i18n.ts`. No side effects: a page's words
 * also load outside a browser (test/dashboard-pages/).
 */

/** A page's words in both languages (its `messages.ts`), given to `useI18n({ messages })`. */
export type PageMessages<Words extends Record<string, unknown>> = { 'zh-CN': Words; en: Words };

/**
 * The Chinese words set the shape, and the English must have it too: vue-tsc refuses an English
 * file missing a key of the Chinese one (test/dashboard-pages/messages.test.ts also refuses the
 * reverse, a key only in English, and an empty value).
 */
export function pageMessages<Words extends Record<string, unknown>>(
  chinese: Words,
  english: NoInfer<Words>,
): PageMessages<Words> {
  return { 'zh-CN': chinese, en: english };
}
