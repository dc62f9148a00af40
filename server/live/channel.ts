/**
 * The live channel: socket.io on the HTTP port. Staff sign in with the same bearer token as the
 * API (handshake `auth.token`, or the session cookie) and join the `staff` room; the server pushes
 * alert changes, readings and device state, so the dashboard never polls.
 */
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { SESSION_COOKIE } from '../auth/sessions.ts';
import type { Alert } from '../schemas/alerts.ts';
import type { User } from '../schemas/auth.ts';
import type { FamilyAlertUpdate } from '../schemas/family.ts';
import type {
  ClientToServerEvents,
  DeviceUpdate,
  ReadingUpdate,
  ServerToClientEvents,
} from '../schemas/live.ts';

const STAFF_ROOM = 'staff';

/** 6.11.2.4: a family account joins only its relative's room, never the staff room. */
export function familyRoom(retireeId: string): string {
  return `family:${retireeId}`;
}

interface SocketData {
  user: User;
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

export class LiveChannel {
  private io:
    | Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>
    | undefined;

  constructor(
    private readonly userFor: (token: string | undefined) => Promise<User | null>,
    /** The retiree a family account is linked to; without it family accounts are refused. */
    private readonly familyRetireeFor: (userId: string) => Promise<string | null> = async () => null,
  ) {}

  attach(server: HttpServer): void {
    const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(
      server,
      {
        serveClient: false,
        // MQTT over WebSocket shares this HTTP server on /mqtt: leave other upgrades alone.
        destroyUpgrade: false,
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
          if (!user) return next(new Error('unauthorized'));
          socket.data.user = user;
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
      const family = socket.data.user.role === 'family';
      if (family && socket.data.familyOf) socket.join(familyRoom(socket.data.familyOf));
      else if (!family) socket.join(STAFF_ROOM);
    });
    this.io = io;
  }

  alert(change: 'opened' | 'updated', alert: Alert): void {
    this.io?.to(STAFF_ROOM).emit('alert', { change, alert });
  }

  /** A change to one retiree's alert, in the family's shape, to that retiree's family room only. */
  familyAlert(retireeId: string, update: FamilyAlertUpdate): void {
    this.io?.to(familyRoom(retireeId)).emit('familyAlert', update);
  }

  reading(update: ReadingUpdate): void {
    this.io?.to(STAFF_ROOM).emit('reading', update);
  }

  device(update: DeviceUpdate): void {
    this.io?.to(STAFF_ROOM).emit('device', update);
  }

  connectedCount(): number {
    return this.io?.engine.clientsCount ?? 0;
  }

  async stop(): Promise<void> {
    const io = this.io;
    if (!io) return;
    io.disconnectSockets(true);
    // close() would also close the HTTP server, which the app owns.
    io.engine.close();
    this.io = undefined;
  }
}
