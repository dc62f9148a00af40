/**
 * The saving flag of a form that sends itself: its save button spins while `whileSaving` runs the
 * send (and what follows when the hub took it: the "saved" message, closing, telling the page), and
 * a failure is told in a message, the form left open as it was.
 */
import { ref } from 'vue';
import { withMessage } from './useLoader.ts';

export function useSaving() {
  const saving = ref(false);

  async function whileSaving(work: () => Promise<unknown>): Promise<void> {
    saving.value = true;
    try {
      await withMessage(work);
    } finally {
      saving.value = false;
    }
  }

  return { saving, whileSaving };
}
