/**
 * A list the page holds whole, shown a page at a time (with `ListPager`): the page, its size and
 * the rows of the page. A change of what is `shown` by the filters named in `resetOn` goes back to
 * the first page; a reload of the same list keeps the page.
 */
import { type ComputedRef, computed, ref, type WatchSource, watch } from 'vue';

export function usePagedRows<Row>(shown: ComputedRef<Row[]>, resetOn: WatchSource[]) {
  const page = ref(1);
  const pageSize = ref(20);
  const pageRows = computed(() =>
    shown.value.slice((page.value - 1) * pageSize.value, page.value * pageSize.value),
  );
  watch(resetOn, () => {
    page.value = 1;
  });
  return { page, pageSize, pageRows };
}
