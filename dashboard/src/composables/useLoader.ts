/**
 * The loading flag and the problem line of a page: every load runs through `guarded`, which shows
 * the spinner while it runs, clears the problem when it succeeds and shows why when it fails.
 */
import { ElMessage } from 'element-plus';
import { ref } from 'vue';
import { errorText } from './errorText.ts';

export function useLoader() {
  const loading = ref(false);
  const problem = ref('');
  let sequence = 0;

  /** Runs a load; loads may overlap (several lists at once), each one settles its own outcome. */
  async function guarded(work: () => Promise<void>): Promise<void> {
    loading.value = true;
    try {
      await work();
      problem.value = '';
    } catch (error) {
      problem.value = errorText(error);
    } finally {
      loading.value = false;
    }
  }

  /**
   * Runs a load that replaces the one before (a filter changed while the list was loading): only
   * the newest settles the flag and the problem; `current()` says whether this one still is.
   */
  async function latest(work: (current: () => boolean) => Promise<void>): Promise<void> {
    const mine = ++sequence;
    const current = () => mine === sequence;
    loading.value = true;
    try {
      await work(current);
      if (current()) problem.value = '';
    } catch (error) {
      if (current()) problem.value = errorText(error);
    } finally {
      if (current()) loading.value = false;
    }
  }

  return { loading, problem, guarded, latest };
}

/** Runs an action whose failure is told in a message (an export, a quick change in a row). */
export async function withMessage(work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    ElMessage.error(errorText(error));
  }
}
