/**
 * What follows adding a channel, wherever it is added (one's own, a role's): the success message,
 * and a webhook's key shown once in its dialog.
 */
import { ElMessage } from 'element-plus';
import { ref } from 'vue';
import { openWhile } from '../../composables/openWhile.ts';
import type { Channel } from './api.ts';

export function useAddedChannel(words: { added: () => string; secretFor: () => string }) {
  const webhookSecret = ref<{ identity: string; value: string; label: string } | null>(null);
  const secretOpen = openWhile(webhookSecret);

  /** Says it was added and shows the webhook's key, if the answer carries one. */
  function announce(answer: { channel: Pick<Channel, 'target'>; secret: string | null }): void {
    ElMessage.success(words.added());
    if (answer.secret) {
      webhookSecret.value = {
        identity: answer.channel.target,
        value: answer.secret,
        label: words.secretFor(),
      };
    }
  }

  return { webhookSecret, secretOpen, announce };
}
