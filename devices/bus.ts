/**
 * The in-process implementation of the hub's event bus: typed by `HubEventMap`, listeners keyed by
 * owner so a part can remove all of its listeners in `stop()`. A listener that throws is reported to
 * `onError` and never prevents the other listeners from running. `emitAndWait` is for the one
 * caller that must know the work is done: the broker acknowledges a device event only then.
 */
import type { HubEventMap, HubEventName } from './contract.ts';

type Listener<K extends HubEventName> = (payload: HubEventMap[K]) => void | Promise<void>;
interface Entry {
  owner: string;
  listener: (payload: never) => void | Promise<void>;
}

export class EventBus {
  private readonly listeners = new Map<HubEventName, Entry[]>();

  constructor(
    private readonly onError: (error: unknown, event: HubEventName, payload: unknown) => void = () => {},
  ) {}

  on<K extends HubEventName>(event: K, owner: string, listener: Listener<K>): void {
    const list = this.listeners.get(event) ?? [];
    list.push({ owner, listener: listener as Entry['listener'] });
    this.listeners.set(event, list);
  }

  removeOwner(owner: string): void {
    for (const [event, list] of this.listeners) {
      this.listeners.set(
        event,
        list.filter((entry) => entry.owner !== owner),
      );
    }
  }

  emit<K extends HubEventName>(event: K, payload: HubEventMap[K]): void {
    for (const entry of this.listeners.get(event) ?? []) {
      try {
        const result = (entry.listener as Listener<K>)(payload);
        if (result && typeof (result as Promise<void>).catch === 'function') {
          (result as Promise<void>).catch((error) => this.onError(error, event, payload));
        }
      } catch (error) {
        this.onError(error, event, payload);
      }
    }
  }

  /**
   * As `emit` (a failure goes to `onError`), and resolves once the work the listeners started has
   * finished: undefined when none of them started any.
   */
  emitSettled<K extends HubEventName>(event: K, payload: HubEventMap[K]): Promise<void> | undefined {
    let pending: Promise<void>[] | undefined;
    for (const entry of this.listeners.get(event) ?? []) {
      try {
        const result = (entry.listener as Listener<K>)(payload);
        if (result && typeof (result as Promise<void>).then === 'function') {
          pending ??= [];
          pending.push((result as Promise<void>).catch((error) => this.onError(error, event, payload)));
        }
      } catch (error) {
        this.onError(error, event, payload);
      }
    }
    return pending ? Promise.all(pending).then(() => {}) : undefined;
  }

  /**
   * Runs every listener and resolves once all of them have finished, including the work they
   * waited for. When one fails, the others still run to the end and the first failure is thrown to
   * the caller (not reported to `onError`: the caller decides).
   */
  async emitAndWait<K extends HubEventName>(event: K, payload: HubEventMap[K]): Promise<void> {
    const results: Promise<void>[] = [];
    for (const entry of this.listeners.get(event) ?? []) {
      try {
        results.push(Promise.resolve((entry.listener as Listener<K>)(payload)));
      } catch (error) {
        results.push(Promise.reject(error));
      }
    }
    const settled = await Promise.allSettled(results);
    const failed = settled.find((result) => result.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }
}
