/**
 * The live channel: socket.io on the HTTP port. Staff sign in with the same bearer token as the
 * API (handshake `auth.token`, or the session cookie) and join the `staff` room and their role's
 * room; the server pushes alert changes, readings and device state, so the dashboard never polls.
 * An alert goes only to the roles that may open it (`mayReceiveAlert`: a security alert to the
 * desk's roles, not to caseworkers; every other alert to all staff). Alerts go out at once;
 * readings are gathered per device and go out together every `readingsEveryMs` (`readings`, the
 * latest values of each device that spoke), so a busy centre's telemetry cannot queue up in front
 * of an SOS on its way to 200 open dashboards.
 *
 * Guarded like the API (OWASP ASVS 3.5, 13.5): a browser page from another origin cannot open it
 * (the Origin header must be the hub's own host or in HUB_ALLOWED_ORIGINS); the server alone puts
 * a socket in its room, and no client event joins or leaves one; the session behind each socket is
 * checked again on every client event and every `recheckMs`, and at once when sessions end, so a
 * socket of a signed-out, expired or disabled account is dropped within a second.
 *
 * Several hub instances share their rooms through Redis (`sharedRooms`, socket.io's Redis adapter):
 * an emit to a room reaches the sockets of every instance, so a dashboard on any instance sees every
 * alert and every device's readings. Each instance then knows only its own sockets, so it never
 * skips an emit because none of its own sockets is in a room.
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
} from '../schemas/live.ts';
import { originAllowed } from '../security/origin.ts';

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

type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** A device's readings as the live channel gathers them: `ts` in epoch milliseconds. */
export interface LatestReadings {
  deviceId: string;
  retireeId: string | null;
  ts: number;
  readings: Record<string, number | boolean>;
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
  private io:
    | Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>
    | undefined;
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
    const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(
      server,
      {
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
      },
    );
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
      // Clients have nothing to send (ClientToServerEvents is empty): any event is refused after
      // the session is checked again, and a dead session drops the socket.
      socket.use((_packet, next) => {
        this.guard.liveSessions([socket.data.tokenHash]).then(
          (live) => {
            if (!live.has(socket.data.tokenHash)) {
              socket.disconnect(true);
              return;
            }
            next(new Error('no client events on this channel'));
          },
          () => next(new Error('unavailable')),
        );
      });
    });
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
   * A device's new readings (`ts` in epoch ms), merged into what goes out with the next `readings`
   * batch. Called for every message the broker takes, so it only merges; the batch is shaped once.
   */
  reading(update: LatestReadings): void {
    if (!this.io) return;
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
    const io = this.io;
    const batch: ReadingUpdate[] = [];
    for (const pending of this.pendingReadings.values()) {
      batch.push({ ...pending, ts: new Date(pending.ts).toISOString() });
    }
    this.pendingReadings.clear();
    if (!io || batch.length === 0) return;
    io.to(STAFF_ROOM).emit('readings', batch);
    const lookup = this.guard.stationOf;
    if (!lookup || !this.anyStationRoom()) return;
    Promise.all(
      batch.map(async (update) => ({
        update,
        station: update.retireeId ? await lookup(update.retireeId).catch(() => null) : null,
      })),
    ).then(
      (found) => {
        const byStation = new Map<string, ReadingUpdate[]>();
        for (const { update, station } of found) {
          if (!station) continue;
          const list = byStation.get(station);
          if (list) list.push(update);
          else byStation.set(station, [update]);
        }
        for (const [station, updates] of byStation) io.to(stationRoom(station)).emit('readings', updates);
      },
      () => undefined,
    );
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
