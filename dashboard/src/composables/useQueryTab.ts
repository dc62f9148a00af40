/**
 * The tab of a page with tabs, kept in the address (`?tab=…`) so a reload, a link from the work
 * list or the back button opens the same tab.
 */
import { type Ref, ref, watch } from 'vue';
import { useRoute, useRouter } from 'vue-router';

export interface QueryTabOptions<T extends string> {
  /** Leave the first tab out of the address (`/care` rather than `/care?tab=arrangements`). */
  omitFirst?: boolean;
  /** More of the address that goes with a tab (read when the tab or what it reads changes). */
  extra?: (tab: T) => Record<string, string | undefined>;
}

/** The tab named by `?tab=`, or the first of `tabs`; choosing another tab rewrites the address. */
export function useQueryTab<T extends string>(tabs: readonly T[], options: QueryTabOptions<T> = {}): Ref<T> {
  const route = useRoute();
  const router = useRouter();
  const first = tabs[0] as T;
  const tab = ref(tabs.find((value) => value === route.query.tab) ?? first) as Ref<T>;
  watch(
    () => [tab.value, options.extra?.(tab.value)] as const,
    ([value, extra]) => {
      const query = options.omitFirst && value === first ? {} : { tab: value };
      void router.replace({ query: { ...query, ...extra } });
    },
  );
  return tab;
}
