/**
 * Device events that are not emergencies: the green 求助 key opens a service request (6.12), told
 * on the bus as `request.opened` once stored, and a test press is remembered so that buttons
 * overdue for their monthly test can be listed.
 */
import type { EventBus } from '../../devices/bus.ts';
import type { Directory } from '../devices/directory.ts';
import type { ServiceRequest } from '../schemas/requests.ts';
import type { RequestStore } from './store.ts';

declare module '../../devices/contract.ts' {
  interface HubEventMap {
    /** A service request opened from a device's 求助 key (not a repeat of one already stored). */
    'request.opened': ServiceRequest;
  }
}

const OWNER = 'service-requests';

export class RequestListener {
  constructor(
    private readonly bus: EventBus,
    private readonly records: RequestStore,
    private readonly directory: Directory,
  ) {}

  start(): void {
    this.bus.on('device.event', OWNER, async ({ deviceId, event }) => {
      const at = new Date(event.ts);
      if (event.type === 'button_test') {
        await this.records.recordTest(deviceId, at);
      } else if (event.type === 'service_request') {
        const retireeId = this.directory.lookup(deviceId)?.retireeId ?? null;
        const request = await this.records.create({ retireeId, deviceId, eventId: event.id, at });
        if (request) this.bus.emit('request.opened', request);
      }
    });
  }

  stop(): void {
    this.bus.removeOwner(OWNER);
  }
}
