/**
 * What one hub instance tells the others, over a Redis channel (HUB_REDIS_URL): each instance has
 * its own event bus and its own directory of devices, and some of what happens on one must happen
 * on all of them at once.
 * - `session.ended` (sign-out, an account disabled, a new password): every instance drops the
 *   sockets of that session now, not at its next check of the records.
 * - `device.revoked` (revoked, or its secret replaced): every instance reads the device again and
 *   ends the device's session on its own listeners (a watch's TCP link, the embedded broker).
 * - `directory.changed` (a device or a retiree registered or changed): every instance reads it
 *   again, so a new binding or heart-rate limit holds wherever the device's messages arrive.
 * - `watch.queued` (a command stored for a watch linked elsewhere): the instance holding the
 *   watch's link sends it now, not when the watch next connects.
 *
 * The records are the truth; the relay only says what to read again. Messages are handled in the
 * order they came. An instance's own messages come back to it from Redis and are ignored; an event
 * relayed onto a bus is not relayed again. While Redis is away nothing is relayed: the sessions are
 * still dropped within a second by each instance's recheck of the records (server/live/), and
 * devices and retirees are read again on their next unknown message.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { EventBus } from '../../devices/bus.ts';
import type { HubEventMap } from '../../devices/contract.ts';

const OWNER = 'cluster-relay';
const RELAYED = ['session.ended', 'device.revoked', 'directory.changed', 'watch.queued'] as const;
type Relayed = (typeof RELAYED)[number];

interface Message {
  from: string;
  event: Relayed;
  payload: HubEventMap[Relayed];
}

export interface RelayOptions {
  publish: Redis;
  /** A connection of the relay's own: a subscribing Redis connection does nothing else. */
  subscribe: Redis;
  channel: string;
  bus: EventBus;
  directory: {
    refreshDevice(deviceId: string): Promise<void>;
    refreshRetiree(retireeId: string): Promise<void>;
  };
  log: Logger;
}

export class ClusterRelay {
  /** Tells this instance's messages from the others'. */
  readonly id = randomUUID();
  /** True while an event from another instance is on this bus: it is not sent back out. */
  private relaying = false;
  private queue: Promise<void> = Promise.resolve();
  private readonly onMessage = (channel: string, text: string) => {
    if (channel !== this.options.channel) return;
    this.queue = this.queue.then(() =>
      this.received(text).catch((error: unknown) =>
        this.options.log.error({ err: error }, 'relayed event not applied'),
      ),
    );
  };

  constructor(private readonly options: RelayOptions) {}

  async start(): Promise<void> {
    const { bus, subscribe } = this.options;
    for (const event of RELAYED) {
      bus.on(event, OWNER, (payload) => {
        if (!this.relaying) this.send(event, payload);
      });
    }
    subscribe.on('message', this.onMessage);
    await subscribe.subscribe(this.options.channel).catch((error: unknown) => {
      // Subscribed again by the client when Redis is back.
      this.options.log.error({ err: error }, 'relay channel not subscribed yet');
    });
  }

  /** Waits for what was received so far to be applied (for an orderly stop). */
  async stop(): Promise<void> {
    this.options.bus.removeOwner(OWNER);
    this.options.subscribe.off('message', this.onMessage);
    await this.queue;
  }

  private send(event: Relayed, payload: HubEventMap[Relayed]): void {
    const message: Message = { from: this.id, event, payload };
    this.options.publish.publish(this.options.channel, JSON.stringify(message)).catch((error: unknown) => {
      this.options.log.warn({ err: error, event }, 'event not relayed to the other instances');
    });
  }

  private async received(text: string): Promise<void> {
    const message = JSON.parse(text) as Message;
    if (message.from === this.id) return;
    const { bus, directory } = this.options;
    switch (message.event) {
      case 'directory.changed': {
        const { kind, id } = message.payload as HubEventMap['directory.changed'];
        if (kind === 'device') await directory.refreshDevice(id);
        else await directory.refreshRetiree(id);
        return;
      }
      case 'device.revoked': {
        const revoked = message.payload as HubEventMap['device.revoked'];
        await directory.refreshDevice(revoked.deviceId);
        this.onBus(() => bus.emit('device.revoked', revoked));
        return;
      }
      case 'session.ended':
        this.onBus(() => bus.emit('session.ended', message.payload as HubEventMap['session.ended']));
        return;
      case 'watch.queued':
        this.onBus(() => bus.emit('watch.queued', message.payload as HubEventMap['watch.queued']));
        return;
    }
  }

  private onBus(emit: () => void): void {
    this.relaying = true;
    try {
      emit();
    } finally {
      this.relaying = false;
    }
  }
}
