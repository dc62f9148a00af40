/**
 * Commands to watches and pendants on their makers' protocols, and their log. A command is stored
 * first (`queued`), then handed to the watch gateway: sent at once when the watch's connection is
 * ready, else kept until the watch links again (`device.linked`). The watch's confirmation
 * (`device.answered`, matched by its protocol's answer key) closes it; one that does not come
 * within five minutes leaves it `unanswered`. Texts and position queries lose their use while they
 * wait and expire; a setting asked for again replaces the one still waiting.
 *
 * The words staff give a retiree with an acknowledge reach the watch the same way: the alert
 * workflow's `device.command` for a watch becomes a text command of the hub's own.
 */
import { randomUUID } from 'node:crypto';
import type { EventBus } from '../../devices/bus.ts';
import type { DeviceCommand } from '../../devices/contract.ts';
import { WATCH_DEVICE_TYPES } from '../../devices/index.ts';
import {
  FrameError,
  type WatchCommand,
  type WatchProtocol,
  type WatchProtocolName,
  watchProtocols,
} from '../../devices/watches/index.ts';
import type { DeviceDirectory, SendOutcome } from '../../gateway/index.ts';
import type { Database } from '../db/database.ts';
import { badRequest, conflict } from '../errors.ts';
import type { WatchCommandInput, WatchCommandRecord } from '../schemas/watch-commands.ts';
import { type Timed, timed } from '../store/rows.ts';

/** What the service needs of the watch gateway. */
export interface WatchLink {
  send(deviceId: string, command: WatchCommand): SendOutcome;
}

export interface WatchCommandsOptions {
  db: Database;
  bus: EventBus;
  link: WatchLink;
  /** What the hub knows of each device (its type), kept in memory. */
  directory: Pick<DeviceDirectory, 'lookup'>;
  /** The centre's duty phone, the SOS key's first number when staff give none. */
  dutyPhone: string;
  log: { info(object: object, message: string): void; error(object: object, message: string): void };
  clock?: () => number;
}

/** A confirmation later than this does not come: the command is `unanswered` (a late one still counts). */
export const ANSWER_WINDOW_MS = 5 * 60_000;
/** How long a text or a position query may wait for an absent watch. */
export const WAIT_FOR_WORDS_MS = 30 * 60_000;
/** The most SOS numbers a watch keeps. */
const SOS_SLOTS = 3;

const OWNER = 'watch-commands';
const SETTINGS = new Set<WatchCommand['kind']>([
  'heart_rate_interval',
  'fall_alarm',
  'removal_alarm',
  'sos_numbers',
]);

/** The protocol a device type speaks, for the watch and pendant types only. */
const protocolOfType = new Map<string, WatchProtocol>(
  (Object.entries(WATCH_DEVICE_TYPES) as [WatchProtocolName, string][]).map(([name, type]) => [
    type,
    watchProtocols[name],
  ]),
);

export function watchProtocolOf(deviceType: string): WatchProtocol | undefined {
  return protocolOfType.get(deviceType);
}

/** Whether a kind of command changes the watch's settings (a manager's) rather than asking it something. */
export function isSetting(kind: WatchCommand['kind']): boolean {
  return SETTINGS.has(kind);
}

const SELECT = `select c.id, c.device_id as "deviceId", c.kind, c.command, c.status,
    c.requested_by as "requestedBy", u.display_name as "requestedByName", c.alert_id as "alertId",
    c.requested_at as "requestedAt", c.expires_at as "expiresAt", c.sent_at as "sentAt",
    c.answered_at as "answeredAt", c.detail
  from watch_commands c left join users u on u.id = c.requested_by`;

type Row = Timed<WatchCommandRecord, 'requestedAt' | 'expiresAt' | 'sentAt' | 'answeredAt'>;
const shown = (row: Row) =>
  timed<WatchCommandRecord, 'requestedAt' | 'expiresAt' | 'sentAt' | 'answeredAt'>(
    row,
    'requestedAt',
    'expiresAt',
    'sentAt',
    'answeredAt',
  );

export class WatchCommands {
  private readonly clock: () => number;
  /** Per device, the work in hand: a link's flush and a new command must not both send one command. */
  private readonly lanes = new Map<string, Promise<unknown>>();
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: WatchCommandsOptions) {
    this.clock = options.clock ?? Date.now;
  }

  start(): void {
    const { bus } = this.options;
    bus.on('device.linked', OWNER, ({ deviceId }) => this.inLane(deviceId, () => this.flush(deviceId)));
    bus.on('device.answered', OWNER, (answer) => this.answered(answer));
    bus.on('device.command', OWNER, ({ deviceId, command }) => this.relay(deviceId, command));
    bus.on('watch.queued', OWNER, ({ deviceId }) => this.inLane(deviceId, () => this.flush(deviceId)));
    this.sweepTimer = setInterval(() => {
      this.sweep().catch((error: unknown) =>
        this.options.log.error({ err: error }, 'watch command sweep failed'),
      );
    }, 60_000);
    this.sweepTimer.unref();
  }

  async stop(): Promise<void> {
    this.options.bus.removeOwner(OWNER);
    clearInterval(this.sweepTimer);
    await Promise.allSettled(this.lanes.values());
  }

  /**
   * Stores a command for a device and sends it if the device is there. Refused (409) for a device
   * that is no watch or whose protocol has no such command; `sos_numbers` without numbers takes the
   * duty phone and the retiree's contacts (400 when there are none).
   */
  async request(
    device: { id: string; type: string; retireeId: string | null },
    input: WatchCommandInput,
    by: { userId: string | null; alertId?: string },
  ): Promise<WatchCommandRecord> {
    const protocol = watchProtocolOf(device.type);
    if (!protocol) throw conflict(`设备 ${device.id} 不是经厂商协议接入的手表或报警器，不能下发指令`);
    if (!protocol.commands.has(input.kind)) {
      throw conflict(`设备 ${device.id} 的协议（${protocol.name}）没有“${input.kind}”指令`);
    }
    const command = await this.completed(device, input);
    const now = this.clock();
    // Said once for nothing, so a value the protocol cannot carry is refused now, not when the
    // watch links (3G: a heart-rate interval of 0 or 5–1092 minutes).
    try {
      protocol.encode(command, {
        deviceId: device.id,
        now,
        utcOffsetMinutes: 0,
        session: { deviceId: device.id, nextSerial: () => 0 },
      });
    } catch (error) {
      if (error instanceof FrameError) throw badRequest(error.message);
      throw error;
    }
    const id = randomUUID();
    const expiresAt = isSetting(command.kind) ? null : new Date(now + WAIT_FOR_WORDS_MS);
    await this.options.db.transaction(async (tx) => {
      // A setting asked for again replaces the one still waiting: the watch gets only the newest.
      if (isSetting(command.kind)) {
        await tx.query(
          `update watch_commands set status = 'superseded', detail = $3
            where device_id = $1 and kind = $2 and status = 'queued'`,
          [device.id, command.kind, '被更新的同类设置取代'],
        );
      }
      await tx.query(
        `insert into watch_commands (id, device_id, kind, command, status, requested_by, alert_id, requested_at, expires_at)
         values ($1, $2, $3, $4::jsonb, 'queued', $5, $6, $7, $8)`,
        [
          id,
          device.id,
          command.kind,
          JSON.stringify(command),
          by.userId,
          by.alertId ?? null,
          new Date(now),
          expiresAt,
        ],
      );
    });
    await this.inLane(device.id, () => this.flush(device.id));
    const stored = (await this.byId(id)) as WatchCommandRecord;
    // Not linked here: the instance it is linked to, if any, sends it now.
    if (stored.status === 'queued') this.options.bus.emit('watch.queued', { deviceId: device.id });
    return stored;
  }

  /** A device's commands, newest first. */
  async list(deviceId: string, limit = 50): Promise<WatchCommandRecord[]> {
    const rows = await this.options.db.query<Row>(
      `${SELECT} where c.device_id = $1 order by c.requested_at desc, c.id limit $2`,
      [deviceId, limit],
    );
    return rows.map(shown);
  }

  async byId(id: string): Promise<WatchCommandRecord | undefined> {
    const [row] = await this.options.db.query<Row>(`${SELECT} where c.id = $1`, [id]);
    return row ? shown(row) : undefined;
  }

  /** Marks sent commands past the answer window `unanswered`. */
  async sweep(): Promise<number> {
    const rows = await this.options.db.query(
      `update watch_commands set status = 'unanswered', detail = '手表未在 5 分钟内确认'
        where status = 'sent' and sent_at < $1 returning id`,
      [new Date(this.clock() - ANSWER_WINDOW_MS)],
    );
    return rows.length;
  }

  /** The command with what the hub fills in: the SOS numbers from the duty phone and the contacts. */
  private async completed(
    device: { id: string; retireeId: string | null },
    input: WatchCommandInput,
  ): Promise<WatchCommand> {
    if (input.kind !== 'sos_numbers' || input.numbers) return input as WatchCommand;
    const numbers: string[] = [];
    const add = (phone: string) => {
      const digits = phone.replace(/[\s()-]/g, '');
      if (/^\+?\d{3,20}$/.test(digits) && !numbers.includes(digits) && numbers.length < SOS_SLOTS) {
        numbers.push(digits);
      }
    };
    // The duty desk first: it answers day and night and can send someone; family after.
    add(this.options.dutyPhone);
    if (device.retireeId) {
      const contacts = await this.options.db.query<{ phone: string }>(
        'select phone from contacts where retiree_id = $1 order by priority, name',
        [device.retireeId],
      );
      for (const contact of contacts) add(contact.phone);
    }
    if (numbers.length === 0) {
      throw badRequest('没有可用的 SOS 号码：中心值班电话未设置（HUB_CENTRE_PHONE），该老人也没有联系人电话');
    }
    return { kind: 'sos_numbers', numbers };
  }

  /** Sends what waits for a device, oldest first, while its connection takes them. */
  private async flush(deviceId: string): Promise<void> {
    const waiting = await this.options.db.query<{
      id: string;
      command: WatchCommand;
      expiresAt: Date | null;
    }>(
      `select id, command, expires_at as "expiresAt" from watch_commands
        where device_id = $1 and status = 'queued' order by requested_at, id`,
      [deviceId],
    );
    const now = this.clock();
    for (const { id, command, expiresAt } of waiting) {
      if (expiresAt && expiresAt.getTime() <= now) {
        await this.settle(id, 'expired', '手表离线，等待超时未发送');
        continue;
      }
      const outcome = this.options.link.send(deviceId, command);
      if (!outcome.sent && outcome.reason === 'away') return;
      if (!outcome.sent) {
        await this.settle(id, 'failed', outcome.detail);
        continue;
      }
      await this.options.db.query(
        `update watch_commands set status = 'sent', sent_at = $2, answer_key = $3 where id = $1`,
        [id, new Date(now), outcome.key],
      );
    }
  }

  private async settle(id: string, status: 'expired' | 'failed', detail: string): Promise<void> {
    await this.options.db.query('update watch_commands set status = $2, detail = $3 where id = $1', [
      id,
      status,
      detail,
    ]);
  }

  /** The watch's confirmation closes the oldest command it can answer; a late one still counts. */
  private async answered({
    deviceId,
    key,
    ok,
    detail,
  }: {
    deviceId: string;
    key: string;
    ok: boolean;
    detail?: string;
  }): Promise<void> {
    const rows = await this.options.db.query(
      `update watch_commands set status = $3, answered_at = $4, detail = $5
        where id = (select id from watch_commands
                     where device_id = $1 and answer_key = $2 and status in ('sent', 'unanswered')
                     order by sent_at, id limit 1)
        returning id`,
      [
        deviceId,
        key,
        ok ? 'answered' : 'refused',
        new Date(this.clock()),
        detail ?? (ok ? '已确认' : '手表拒绝'),
      ],
    );
    if (rows.length === 0) {
      this.options.log.info({ deviceId, key }, 'watch answered no command the hub sent');
    }
  }

  /** The words of an acknowledge (or "help is coming") for a watch go to it as a text command. */
  private async relay(deviceId: string, command: DeviceCommand): Promise<void> {
    if (command.type === 'resolved') return;
    // Every acknowledge passes here: the device's type comes from the directory, not the database.
    const identity = this.options.directory.lookup(deviceId);
    if (!identity || !watchProtocolOf(identity.type)?.commands.has('text')) return;
    await this.request(
      { id: deviceId, type: identity.type, retireeId: identity.retireeId },
      { kind: 'text', text: command.text.slice(0, 70) },
      {
        userId: null,
        alertId: command.alertId,
      },
    );
  }

  private inLane(deviceId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.lanes.get(deviceId) ?? Promise.resolve();
    const next = previous.then(work, work).catch((error: unknown) => {
      this.options.log.error({ deviceId, err: error }, 'watch commands not sent');
    });
    this.lanes.set(deviceId, next);
    void next.finally(() => {
      if (this.lanes.get(deviceId) === next) this.lanes.delete(deviceId);
    });
    return next;
  }
}
