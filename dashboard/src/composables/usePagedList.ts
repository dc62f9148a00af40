/**
 * A list paged and filtered on the server: the page, its size and the total, the rows of the page
 * shown, and a load that a newer one replaces. A change of filter waits for typing to pause, then
 * goes back to the first page (which loads) or loads the page shown.
 */
import { onMounted, type Ref, ref, watch } from 'vue';
import { useLoader } from './useLoader.ts';

export interface Paging {
  limit: number;
  offset: number;
}

export interface PagedAnswer<Row> {
  items: Row[];
  total: number;
}

export function usePagedList<Row>(options: {
  /** The filters, read whole on each change (a reactive object). */
  filters: object;
  fetch: (paging: Paging) => Promise<PagedAnswer<Row>>;
  pageSize?: number;
  /** How long typing must pause before the list follows. */
  debounceMs?: number;
}) {
  const page = ref(1);
  const pageSize = ref(options.pageSize ?? 20);
  const total = ref(0);
  const rows = ref([]) as Ref<Row[]>;
  const { loading, problem, latest } = useLoader();

  const paging = (): Paging => ({ limit: pageSize.value, offset: (page.value - 1) * pageSize.value });

  function load(): Promise<void> {
    return latest(async (current) => {
      const found = await options.fetch(paging());
      if (!current()) return;
      rows.value = found.items;
      total.value = found.total;
      // A page past the end (records removed or filtered away meanwhile): the last one instead.
      const last = Math.max(1, Math.ceil(found.total / pageSize.value));
      if (page.value > last) page.value = last;
    });
  }

  // A name is typed a letter at a time: the list follows once the typing pauses.
  let typing = 0;
  watch(
    () => ({ ...options.filters }),
    () => {
      window.clearTimeout(typing);
      typing = window.setTimeout(() => {
        if (page.value !== 1) page.value = 1;
        else void load();
      }, options.debounceMs ?? 250);
    },
  );
  watch([page, pageSize], () => void load());
  onMounted(load);

  return { page, pageSize, total, rows, loading, problem, load, paging };
}
