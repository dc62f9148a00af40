/** What route plugins need from the hub, handed to them by app.ts. */
import type { Registry } from 'prom-client';
import type { TelemetryStore } from '../../gateway/index.ts';
import type { SuspensionWatch } from '../abroad/watch.ts';
import type { Escalation } from '../alerts/escalation.ts';
import type { AlertWorkflow } from '../alerts/workflow.ts';
import type { Sessions } from '../auth/sessions.ts';
import type { Database } from '../db/database.ts';
import type { Directory } from '../devices/directory.ts';
import type { DeviceState } from '../devices/state.ts';
import type { FamilyService } from '../family/service.ts';
import type { NotificationService } from '../notify/service.ts';
import type { Privacy } from '../privacy/service.ts';
import type { User } from '../schemas/auth.ts';
import type { SecurityContext } from '../security/overview.ts';
import type { SystemAccess } from '../security/system-access.ts';
import type { AlertStore } from '../store/alerts.ts';
import type { DeviceStore } from '../store/devices.ts';
import type { RetireeStore } from '../store/retirees.ts';
import type { UserStore } from '../store/users.ts';

export interface HubContext {
  db: Database;
  sessions: Sessions;
  retirees: RetireeStore;
  users: UserStore;
  devices: DeviceStore;
  alerts: AlertStore;
  workflow: AlertWorkflow;
  escalation: Escalation;
  directory: Directory;
  deviceState: DeviceState;
  telemetry: TelemetryStore;
  /** Family accounts, their page and their "on my way" (6.11.2.4). */
  families: FamilyService;
  /** Notification channels and the delivery log. */
  notifications: NotificationService;
  registry: Registry;
  sessionHours: number;
  /** The centre's name and phone, printed on rescue cards and shown to families. */
  centre: { name: string; phone: string };
  /** The six-month check of retirees abroad (6.4.2.4), run on a schedule and on demand. */
  abroadWatch: SuspensionWatch;
  /** A person's data: export, deletion on a decision, retention (server/privacy/). */
  privacy: Privacy;
  /** HUB_CARD_FONT, when set. */
  cardFont: string | undefined;
  /** The hub's data folder (HUB_DATA_DIR): attachments live under `<dataDir>/attachments`. */
  dataDir: string;
  /** Largest attached file (HUB_ARCHIVE_MAX_ATTACHMENT_BYTES): archive, intake steps, oral history. */
  maxAttachmentBytes: number;
  /** Extra health facts (broker port, spool size…) from the composition root. */
  health: () => Record<string, unknown>;
  /** The security page's sources: the monitor of bursts, refusals, failed sign-ins, the audit chain. */
  security: SecurityContext;
  /**
   * Origins besides the hub's own whose pages may change things through the API, as for the live
   * channel (HUB_ALLOWED_ORIGINS; server/security/origin.ts).
   */
  allowedOrigins: readonly string[];
  /** Whether /metrics and /docs ask for a sign-in (server/security/system-access.ts). */
  systemAccess: SystemAccess;
}

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
  }
}
