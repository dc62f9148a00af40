import { computed, type Ref, type WritableComputedRef } from 'vue';

/**
 * The open flag of a dialog about one thing (a step, a card, a secret): open while `subject` holds
 * it, and closing the dialog (its ×, Esc, cancel) lets the thing go.
 */
export function openWhile<T>(subject: Ref<T | null>): WritableComputedRef<boolean> {
  return computed({
    get: () => subject.value !== null,
    set: (open: boolean) => {
      if (!open) subject.value = null;
    },
  });
}
