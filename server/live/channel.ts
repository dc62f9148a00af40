/**
 * The live channel: socket.io on the HTTP port. Staff sign in with the same bearer token as the
 * API (handshake `auth.token`, or the session cookie) and join the `staff` room and their role's
 * room; the server pushes alert changes, readings and device state, so the dashboard never polls.
 * An alert goes only to the roles that may open it (`mayReceiveAlert`: a security alert to the
 * desk's roles, not to caseworkers; every other alert to all staff). Alerts and device state go out
 * at once, to every staff dashboard.
 *
 * Readings go only where they are shown. A dashboard says what is on its screen (`watch`: the wall
 * page's retirees, the retiree it has open, the device registry's page) and receives those readings
 * alone, gathered per device and sent together every `readingsEveryMs` (`readings`, the latest
 * values of each device that spoke). A centre of 19,000 devices would otherwise send every dashboard
 * every device's readings each second, and that telemetry would queue up in front of an SOS on its
 * way to 200 open dashboards. Sockets watching the same screen share one encoded message.
 *
 * Guarded like the API (OWASP ASVS 3.5, 13.5): a browser page from another origin cannot open it
 * (the Origin header must be the hub's own host or in HUB_ALLOWED_ORIGINS); the server alone puts
 * a socket in its room, and no client event joins or leaves one; the session behind each socket is
 * checked again on every client event and every `recheckMs`, and at once when sessions end, so a
 * socket of a signed-out, expired or disabled account is dropped within a second. `watch` is the
 * one client event: it narrows what a socket receives, never widens it. A station-bound caseworker
 * receives the readings of its station's retirees only, whatever it asks for; a family account
 * receives no readings at all (6.11.2.4). A malformed or oversize request is refused with its reason,
 * changes nothing, and is counted (`onRefused`).
 *
 * Several hub instances share their rooms through Redis (`sharedRooms`, socket.io's Redis adapter):
 * an emit to a room reaches the sockets of every instance, so a dashboard on any instance sees every
 * alert. Each instance sends its batch of readings to the others once (`serverSideEmit`), and each
 * gives its own sockets what they watch of every batch. Each instance then knows only its own
 * sockets, so it never skips an emit because none of its own sockets is in a room.
 */
import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { Server, type Socket } from 'socket.io';
import type { EventBus } from '../../devices/bus.ts';
import { STAFF_ROLES, type StaffRole } from '../access/policy.ts';
import { hashToken } from '../auth/secrets.ts';
import { SESSION_COOKIE, type SessionEnd } from '../auth/sessions.ts';
import { mayReceiveAlert } from '../notify/audiences.ts';
import type { Alert } from '../schemas/alerts.ts';
import type { User } from '../schemas/auth.ts';
import type { FamilyAlertUpdate } from '../schemas/family.ts';
import type {
  ClientToServerEvents,
  DeviceUpdate,
  ReadingUpdate,
  ServerToClientEvents,
  WatchAnswer,
  WatchRequest,
} from '../schemas/live.ts';
import { originAllowed } from '../security/origin.ts';
import { WATCH_LIMIT } from './watch-limit.ts';

const STAFF_ROOM = 'staff';
const OWNER = 'live-channel';

/** The staff of one role outside a station: the alerts only some roles may open go to these. */
export function roleRoom(role: StaffRole): string {
  return `role:${role}`;
}

/** 6.11.2.4: a family account joins only its relative's room, never the staff room. */
export function familyRoom(retireeId: string): string {
  return `family:${retireeId}`;
}

interface SocketData {
  user: User;
  /** The session behind the socket, as stored (SHA-256 of the token). */
  tokenHash: string;
  /** For a family account: the one retiree it may follow. */
  familyOf?: string;
  /** What it watches (`watch`), shared with every socket watching the same. */
  watching?: Watching;
}

/** One screen's worth of readings, and the local sockets showing it. */
interface Watching {
  key: string;
  retirees: Set<string>;
  devices: Set<string>;
  /** A station-bound caseworker's station: of what it watches, that station's retirees alone. */
  station: string | null;
  sockets: Set<string>;
}

/** Events between instances (`serverSideEmit`): each instance's batch of readings. */
interface InterServerEvents {
  readings: (batch: LatestReadings[]) => void;
}

/** Why a watch request was refused, as counted. */
export type WatchRefusal = 'malformed' | 'too_many' | 'family';

const ID_MAX = 128;

function idList(value: unknown): string[] | 'malformed' | 'too_many' {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return 'malformed';
  if (value.length > WATCH_LIMIT) return 'too_many';
  for (const id of value)
    if (typeof id !== 'string' || id.length === 0 || id.length > ID_MAX) return 'malformed';
  return [...new Set(value as string[])];
}

/** A watch request as the client sent it: lists of ids, or the reason it is refused. */
export function parseWatch(request: unknown): WatchRequest | { refused: WatchRefusal; error: string } {
  if (typeof request !== 'object' || request === null || Array.isArray(request))
    return { refused: 'malformed', error: 'watch takes { retirees: string[], devices: string[] }' };
  const { retirees, devices } = request as Record<string, unknown>;
  const lists = { retirees: idList(retirees), devices: idList(devices) };
  for (const [name, list] of Object.entries(lists)) {
    if (list === 'too_many') return { refused: 'too_many', error: `at most ${WATCH_LIMIT} ${name}` };
    if (list === 'malformed')
      return { refused: 'malformed', error: `${name} must be a list of ids of 1 to ${ID_MAX} characters` };
  }
  return lists as WatchRequest;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

export interface LiveGuard {
  /** Of these session hashes, the ones still live (not signed out, expired, idle or disabled). */
  liveSessions(tokenHashes: string[]): Promise<Set<string>>;
  /** Origins besides the hub's own that may open the channel (HUB_ALLOWED_ORIGINS). */
  allowedOrigins?: string[];
  /** How often every socket's session is checked again. */
  recheckMs?: number;
  /** The station of a retiree (null: none), for the rooms of station-bound caseworkers. */
  stationOf?: (retireeId: string) => Promise<string | null>;
  /**
   * The newest readings seen of these devices and of these retirees' devices: a screen that begins
   * to show them gets them at once, and misses nothing measured since its page was loaded.
   */
  seen?: (retirees: ReadonlySet<string>, devices: ReadonlySet<string>) => LatestReadings[];
  /** A watch request refused, by reason (counted in /metrics). */
  onRefused?: (reason: WatchRefusal) => void;
  /** How often the gathered readings go out (default 1 000 ms). */
  readingsEveryMs?: number;
  /**
   * Rooms shared with the other instances through Redis: a client to publish on and one to
   * subscribe with (a subscribing Redis connection does nothing else).
   */
  sharedRooms?: { publish: Redis; subscribe: Redis; key: string };
}

/** A caseworker bound to a station follows that station's retirees, and no one else's. */
export function stationRoom(station: string): string {
  return `station:${station}`;
}

type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type LiveServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** A device's readings as the live channel gathers them: `ts` in epoch milliseconds. */
export interface LatestReadings {
  deviceId: string;
  retireeId: string | null;
  ts: number;
  readings: Record<string, number | boolean>;
}

/** A reading as the `readings` event carries it: `ts` as an ISO string. */
function toUpdate(entry: LatestReadings): ReadingUpdate {
  return { ...entry, ts: new Date(entry.ts).toISOString() };
}

/** The commands socket.io's Redis adapter sends without waiting on their answer. */
const UNAWAITED = new Set<PropertyKey>(['publish', 'subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe']);

/**
 * A Redis client as socket.io's adapter is given it. The adapter publishes, subscribes and, when the
 * channel closes, unsubscribes without waiting on the answer, so one refused while Redis is away
 * (or its connection is closing) would be a rejection nobody handles, and would end the process;
 * here such a refusal is dropped. The instance's own dashboards have the message already, the
 * outage is logged once by the client itself (server/cluster/redis.ts), and everything else passes
 * through unchanged.
 */
export function adapterClient(client: Redis): Redis {
  // Made once per method: the adapter publishes on every message to the rooms.
  const made = new Map<PropertyKey, unknown>();
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const known = made.get(property);
      if (known) return known;
      const method = (value as (...args: unknown[]) => unknown).bind(target);
      const wrapped = UNAWAITED.has(property)
        ? (...args: unknown[]) => {
            const answer = method(...args);
            return answer instanceof Promise ? answer.catch(() => 0) : answer;
          }
        : method;
      made.set(property, wrapped);
      return wrapped;
    },
  });
}

export class LiveChannel {
  private io: LiveServer | undefined;
  /** What this instance's sockets watch, by key: sockets watching the same share an entry. */
  private readonly watchings = new Map<string, Watching>();
  private recheckTimer: NodeJS.Timeout | undefined;
  /** Readings gathered since the last `readings` batch, by device; times as epoch ms until sent. */
  private readonly pendingReadings = new Map<string, LatestReadings>();
  private readingsTimer: NodeJS.Timeout | undefined;
  private rechecking = false;

  constructor(
    private readonly bus: EventBus,
    private readonly userFor: (token: string | undefined) => Promise<User | null>,
    /** The retiree a family account is linked to; without it family accounts are refused. */
    private readonly familyRetireeFor: (userId: string) => Promise<string | null> = async () => null,
    private readonly guard: LiveGuard = { liveSessions: async (hashes) => new Set(hashes) },
  ) {}

  /** Alert changes go out as soon as they are stored; ended sessions drop their sockets at once. */
  start(): void {
    this.bus.on('alert.changed', OWNER, ({ change, alert }) => this.alert(change, alert));
    this.bus.on('session.ended', OWNER, (end) => this.sessionsEnded(end));
  }

  attach(server: HttpServer): void {
    const allowed = this.guard.allowedOrigins ?? [];
    const io: LiveServer = new Server<
      ClientToServerEvents,
      ServerToClientEvents,
      InterServerEvents,
      SocketData
    >(server, {
      serveClient: false,
      ...(this.guard.sharedRooms
        ? {
            adapter: createAdapter(
              adapterClient(this.guard.sharedRooms.publish),
              adapterClient(this.guard.sharedRooms.subscribe),
              {
                key: this.guard.sharedRooms.key,
              },
            ),
          }
        : {}),
      // MQTT over WebSocket shares this HTTP server on /mqtt: leave other upgrades alone.
      destroyUpgrade: false,
      allowRequest: (request, callback) => {
        if (originAllowed(request, allowed)) callback(null, true);
        else callback('origin not allowed', false);
      },
    });
    io.use((socket, next) => {
      const fromAuth = (socket.handshake.auth as { token?: unknown }).token;
      const token =
        typeof fromAuth === 'string'
          ? fromAuth
          : cookieValue(socket.handshake.headers.cookie, SESSION_COOKIE);
      this.userFor(token).then(
        (user) => {
          if (!user || !token) return next(new Error('unauthorized'));
          socket.data.user = user;
          socket.data.tokenHash = hashToken(token);
          if (user.role !== 'family') return next();
          this.familyRetireeFor(user.id).then(
            (retireeId) => {
              if (!retireeId) return next(new Error('forbidden'));
              socket.data.familyOf = retireeId;
              next();
            },
            () => next(new Error('unavailable')),
          );
        },
        () => next(new Error('unavailable')),
      );
    });
    io.on('connection', (socket) => {
      // The server alone chooses the room, from the session; the client names none.
      const family = socket.data.user.role === 'family';
      if (family && socket.data.familyOf) socket.join(familyRoom(socket.data.familyOf));
      else if (!family && socket.data.user.role === 'caseworker' && socket.data.user.station)
        socket.join(stationRoom(socket.data.user.station));
      else if (!family) socket.join([STAFF_ROOM, roleRoom(socket.data.user.role as StaffRole)]);
      // The session is checked again before any client event; a dead session drops the socket.
      // `watch` is the one event clients may send.
      socket.use((packet, next) => {
        this.guard.liveSessions([socket.data.tokenHash]).then(
          (live) => {
            if (!live.has(socket.data.tokenHash)) {
              socket.disconnect(true);
              return;
            }
            if (packet[0] === 'watch') next();
            else next(new Error('no such client event on this channel'));
          },
          () => next(new Error('unavailable')),
        );
      });
      socket.on('watch', (request, answer) => {
        const reply = typeof answer === 'function' ? answer : () => undefined;
        this.watch(socket, request).then(reply, () => reply({ ok: false, error: 'unavailable' }));
      });
      socket.on('disconnect', () => this.unwatch(socket));
    });
    // Another instance's batch: its devices' readings, for this instance's own sockets.
    io.on('readings', (batch) => this.deliver(batch));
    this.io = io;
    this.recheckTimer = setInterval(() => void this.recheck(), this.guard.recheckMs ?? 500);
    this.recheckTimer.unref();
  }

  /** Sessions ended on the server (sign-out, disabled account, new password): drop their sockets. */
  sessionsEnded(end: SessionEnd): void {
    for (const socket of this.sockets()) {
      const match =
        'tokenHash' in end ? socket.data.tokenHash === end.tokenHash : socket.data.user.id === end.userId;
      if (match) socket.disconnect(true);
    }
  }

  /** Every socket's session checked in one query; the dead ones are dropped. */
  private async recheck(): Promise<void> {
    if (this.rechecking) return;
    const sockets = this.sockets();
    if (sockets.length === 0) return;
    this.rechecking = true;
    try {
      const live = await this.guard.liveSessions([
        ...new Set(sockets.map((socket) => socket.data.tokenHash)),
      ]);
      for (const socket of sockets) if (!live.has(socket.data.tokenHash)) socket.disconnect(true);
    } catch {
      // The records store is unreachable for a moment: keep the sockets; the next pass decides.
    } finally {
      this.rechecking = false;
    }
  }

  private sockets(): LiveSocket[] {
    return this.io ? [...this.io.of('/').sockets.values()] : [];
  }

  /**
   * To every staff socket whose role may open the alert, and to the station room of its retiree
   * (station rooms hold caseworkers alone). An alert every staff role may open goes to the staff
   * room in one emit; one that only some may (a security alert) to those roles' rooms.
   */
  alert(change: 'opened' | 'updated', alert: Alert): void {
    const io = this.io;
    if (!io) return;
    const roles = STAFF_ROLES.filter((role) => mayReceiveAlert(alert.kind, role));
    if (roles.length === STAFF_ROLES.length) io.to(STAFF_ROOM).emit('alert', { change, alert });
    else if (roles.length > 0) io.to(roles.map(roleRoom)).emit('alert', { change, alert });
    if (mayReceiveAlert(alert.kind, 'caseworker')) {
      this.toStation(alert.retireeId, (room) => room.emit('alert', { change, alert }));
    }
  }

  /**
   * The same event to the room of the retiree's station, when anyone is in a station room at all
   * (the lookup is skipped otherwise). The staff room has had it already, without waiting.
   */
  /** Whether any station-bound caseworker is connected (else station rooms need no lookup). */
  private anyStationRoom(): boolean {
    // Another instance's caseworkers are not in this one's rooms.
    if (this.guard.sharedRooms) return true;
    const rooms = this.io?.sockets.adapter.rooms.keys() ?? [];
    return [...rooms].some((name) => name.startsWith('station:'));
  }

  private toStation(
    retireeId: string | null,
    send: (room: ReturnType<NonNullable<typeof this.io>['to']>) => void,
  ): void {
    const io = this.io;
    const lookup = this.guard.stationOf;
    if (!io || !lookup || !retireeId) return;
    if (!this.anyStationRoom()) return;
    lookup(retireeId).then(
      (station) => {
        if (station) send(io.to(stationRoom(station)));
      },
      () => undefined,
    );
  }

  /** True when a family member's socket follows this retiree. */
  familyWatching(retireeId: string): boolean {
    if (this.guard.sharedRooms) return true;
    return (this.io?.sockets.adapter.rooms.get(familyRoom(retireeId))?.size ?? 0) > 0;
  }

  /** A change to one retiree's alert, in the family's shape, to that retiree's family room only. */
  familyAlert(retireeId: string, update: FamilyAlertUpdate): void {
    this.io?.to(familyRoom(retireeId)).emit('familyAlert', update);
  }

  /**
   * Consent withdrawn (server/consent/): these family accounts' sockets in the retiree's room are
   * disconnected now, so they receive nothing more of that retiree; a new handshake is refused.
   */
  dropFamily(retireeId: string, userIds: string[]): void {
    const io = this.io;
    if (!io) return;
    if (this.guard.sharedRooms) {
      // The room's sockets on every instance; each is disconnected where it is.
      io.in(familyRoom(retireeId))
        .fetchSockets()
        .then(
          (sockets) => {
            for (const socket of sockets) if (userIds.includes(socket.data.user.id)) socket.disconnect(true);
          },
          () => undefined,
        );
      return;
    }
    const members = io.sockets.adapter.rooms.get(familyRoom(retireeId));
    if (!members) return;
    for (const id of [...members]) {
      const socket = io.sockets.sockets.get(id);
      if (socket && userIds.includes(socket.data.user.id)) socket.disconnect(true);
    }
  }

  /**
   * A socket's new watch list, replacing the last. A family account watches nothing; a station-bound
   * caseworker's list is kept, and what it receives narrowed to its station's retirees when sent.
   */
  private async watch(socket: LiveSocket, request: unknown): Promise<WatchAnswer> {
    const refuse = (refused: WatchRefusal, error: string): WatchAnswer => {
      this.guard.onRefused?.(refused);
      return { ok: false, error };
    };
    if (socket.data.user.role === 'family')
      return refuse('family', "a family account follows its relative's alerts, not readings");
    const parsed = parseWatch(request);
    if ('refused' in parsed) return refuse(parsed.refused, parsed.error);
    const before = socket.data.watching;
    this.unwatch(socket);
    if (socket.disconnected) return { ok: false, error: 'disconnected' };
    const station = socket.data.user.role === 'caseworker' ? (socket.data.user.station ?? null) : null;
    if (parsed.retirees.length > 0 || parsed.devices.length > 0) {
      const retirees = [...parsed.retirees].sort();
      const devices = [...parsed.devices].sort();
      const key = `${station ?? ''}\u0000${retirees.join(',')}\u0000${devices.join(',')}`;
      let watching = this.watchings.get(key);
      if (!watching) {
        watching = {
          key,
          retirees: new Set(retirees),
          devices: new Set(devices),
          station,
          sockets: new Set(),
        };
        this.watchings.set(key, watching);
      }
      watching.sockets.add(socket.id);
      socket.data.watching = watching;
      this.catchUp(socket, before, watching);
    }
    return { ok: true, retirees: parsed.retirees.length, devices: parsed.devices.length };
  }

  /** What a socket now watches and did not before: the newest readings seen of it, to it alone. */
  private catchUp(socket: LiveSocket, before: Watching | undefined, now: Watching): void {
    const seen = this.guard.seen;
    if (!seen) return;
    const added = (ids: Set<string>, had: Set<string> | undefined) =>
      new Set(had ? [...ids].filter((id) => !had.has(id)) : ids);
    const entries = seen(added(now.retirees, before?.retirees), added(now.devices, before?.devices));
    if (entries.length === 0) return;
    const send = (list: LatestReadings[]) => {
      if (list.length > 0 && socket.connected) socket.emit('readings', list.map(toUpdate));
    };
    if (now.station === null) send(entries);
    else this.ofStation(now.station, entries).then(send, () => undefined);
  }

  private unwatch(socket: LiveSocket): void {
    const watching = socket.data.watching;
    if (!watching) return;
    socket.data.watching = undefined;
    watching.sockets.delete(socket.id);
    if (watching.sockets.size === 0) this.watchings.delete(watching.key);
  }

  /**
   * A device's new readings (`ts` in epoch ms), merged into what goes out with the next `readings`
   * batch. Called for every message the broker takes, so it only merges; the batch is shaped once.
   * Nothing is gathered while no socket here watches anything (and no other instance shares them).
   */
  reading(update: LatestReadings): void {
    if (!this.io || (this.watchings.size === 0 && !this.guard.sharedRooms)) return;
    const pending = this.pendingReadings.get(update.deviceId);
    if (pending) {
      Object.assign(pending.readings, update.readings);
      if (update.ts > pending.ts) pending.ts = update.ts;
      pending.retireeId = update.retireeId;
    } else {
      this.pendingReadings.set(update.deviceId, { ...update, readings: { ...update.readings } });
    }
    this.readingsTimer ??= setTimeout(() => this.sendReadings(), this.guard.readingsEveryMs ?? 1_000);
  }

  private sendReadings(): void {
    this.readingsTimer = undefined;
    const batch = [...this.pendingReadings.values()];
    this.pendingReadings.clear();
    if (!this.io || batch.length === 0) return;
    // The other instances' sockets watch this instance's devices too.
    if (this.guard.sharedRooms) this.io.serverSideEmit('readings', batch);
    this.deliver(batch);
  }

  /**
   * A batch of readings (this instance's, or another's), to this instance's sockets: each group of
   * sockets watching the same screen gets what it watches of the batch, in one message.
   */
  private deliver(batch: LatestReadings[]): void {
    const io = this.io;
    if (!io || this.watchings.size === 0 || batch.length === 0) return;
    const byDevice = new Map<string, LatestReadings>();
    const byRetiree = new Map<string, LatestReadings[]>();
    for (const entry of batch) {
      byDevice.set(entry.deviceId, entry);
      if (!entry.retireeId) continue;
      const list = byRetiree.get(entry.retireeId);
      if (list) list.push(entry);
      else byRetiree.set(entry.retireeId, [entry]);
    }
    // Each entry shaped once, however many screens show it.
    const shaped = new Map<LatestReadings, ReadingUpdate>();
    const shape = (entry: LatestReadings): ReadingUpdate => {
      let update = shaped.get(entry);
      if (!update) {
        update = toUpdate(entry);
        shaped.set(entry, update);
      }
      return update;
    };
    for (const watching of this.watchings.values()) {
      const found = new Set<LatestReadings>();
      if (watching.retirees.size + watching.devices.size > batch.length) {
        for (const entry of batch)
          if (
            watching.devices.has(entry.deviceId) ||
            (entry.retireeId !== null && watching.retirees.has(entry.retireeId))
          )
            found.add(entry);
      } else {
        for (const id of watching.devices) {
          const entry = byDevice.get(id);
          if (entry) found.add(entry);
        }
        for (const id of watching.retirees) for (const entry of byRetiree.get(id) ?? []) found.add(entry);
      }
      if (found.size === 0) continue;
      const to = io.local.to([...watching.sockets]);
      const station = watching.station;
      if (station === null) {
        to.emit('readings', [...found].map(shape));
        continue;
      }
      this.ofStation(station, [...found]).then(
        (mine) => {
          if (mine.length > 0) to.emit('readings', mine.map(shape));
        },
        () => undefined,
      );
    }
  }

  /** Of these readings, the ones of the station's retirees (a device bound to no one is no station's). */
  private async ofStation(station: string, entries: LatestReadings[]): Promise<LatestReadings[]> {
    const lookup = this.guard.stationOf;
    if (!lookup) return [];
    const stations = await Promise.all(
      entries.map((entry) => (entry.retireeId ? lookup(entry.retireeId).catch(() => null) : null)),
    );
    return entries.filter((_, index) => stations[index] === station);
  }

  device(update: DeviceUpdate): void {
    this.io?.to(STAFF_ROOM).emit('device', update);
    this.toStation(update.retireeId, (room) => room.emit('device', update));
  }

  connectedCount(): number {
    return this.io?.engine.clientsCount ?? 0;
  }

  async stop(): Promise<void> {
    this.bus.removeOwner(OWNER);
    clearTimeout(this.readingsTimer);
    this.readingsTimer = undefined;
    this.pendingReadings.clear();
    this.watchings.clear();
    clearInterval(this.recheckTimer);
    this.recheckTimer = undefined;
    const io = this.io;
    if (!io) return;
    io.disconnectSockets(true);
    // Leaves the shared rooms' Redis channels; the Redis clients are the hub's.
    if (this.guard.sharedRooms) await io.of('/').adapter.close();
    // close() would also close the HTTP server, which the app owns.
    io.engine.close();
    this.io = undefined;
  }
}
