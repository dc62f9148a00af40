/**
 * Devices linked to an instance that died: a watch's TCP connection, or the embedded broker's MQTT
 * connection, ends with its instance, killed or not, and nobody is left to say so. The holder of
 * the jobs' lease marks them offline once the instance has not been heard from for `staleMs`, and
 * says so on the bus (the wall shows it, detection forgets the device's runs); they come back online
 * when they connect again, to whichever instance, or when the instance was only standing still and
 * its connections are still open (`reclaim`).
 */
import type { EventBus } from '../../devices/bus.ts';
import type { DeviceStore } from '../store/devices.ts';

export class GoneLinks {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: {
      devices: Pick<DeviceStore, 'unlinkGone' | 'unlinked'>;
      bus: EventBus;
      staleMs: number;
      onError: (error: unknown) => void;
      clock?: () => number;
    },
  ) {}

  start(): void {
    this.timer = setInterval(
      () => {
        this.sweeping = this.sweep().then(() => {}, this.options.onError);
      },
      Math.max(1000, this.options.staleMs / 3),
    );
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping;
  }

  /** Marks offline the devices of instances gone quiet; their ids. */
  async sweep(): Promise<string[]> {
    const gone = await this.options.devices.unlinkGone(this.options.staleMs);
    const now = (this.options.clock ?? Date.now)();
    for (const deviceId of gone) {
      this.options.bus.emit('device.status', { deviceId, online: false, ts: now, source: 'connection' });
    }
    return gone;
  }

  /**
   * This instance was thought gone and is back (its process stood still): of the devices still
   * connected to it (`held`), those a sweep marked offline meanwhile are online again, linked to it.
   * Their ids.
   */
  async reclaim(held: string[]): Promise<string[]> {
    const swept = await this.options.devices.unlinked(held);
    const now = (this.options.clock ?? Date.now)();
    for (const deviceId of swept) {
      this.options.bus.emit('device.status', { deviceId, online: true, ts: now, source: 'connection' });
    }
    return swept;
  }
}
