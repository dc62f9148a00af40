/**
 * What the areas of the API share. app.ts hands `HubContext` to every area plugin; the long-lived
 * parts that hub.ts runs as extensions (server/extension.ts) and the areas read or drive are
 * `HubParts`, which app.ts decorates on the instance (`app.workflow`, `app.directory`…). What one
 * area builds for itself it decorates in its own plugin (`app.visits` in server/visits/plugin.ts).
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Registry } from 'prom-client';
import type { ExternalBrokerAuth, TelemetryStore } from '../gateway/index.ts';
import type { AbroadRequests } from './abroad/requests.ts';
import type { AbroadStays } from './abroad/stays.ts';
import type { SuspensionWatch } from './abroad/watch.ts';
import type { ActivityEvents } from './activities/events.ts';
import type { ActivityGroups } from './activities/groups.ts';
import type { ActivityPlans } from './activities/plans.ts';
import type { Escalation } from './alerts/escalation.ts';
import type { AlertWorkflow } from './alerts/workflow.ts';
import type { ArchiveAccessLog } from './archive/access-log.ts';
import type { AttachmentStore } from './archive/attachments.ts';
import type { ArchiveStore } from './archive/store.ts';
import type { Sessions } from './auth/sessions.ts';
import type { Vault } from './auth/vault.ts';
import type { BenefitCards } from './benefits/cards.ts';
import type { BenefitService } from './benefits/service.ts';
import type { BereavementService } from './bereavement/service.ts';
import type { MosquittoAccounts } from './broker/mosquitto.ts';
import type { CareService } from './care/service.ts';
import type { Committee } from './centre/committee.ts';
import type { Facilities } from './centre/facilities.ts';
import type { RetireeRecords } from './centre/retiree-records.ts';
import type { ConsentService } from './consent/service.ts';
import type { OralHistories } from './contributions/oralHistory.ts';
import type { ContributionRegister } from './contributions/register.ts';
import type { Database } from './db/database.ts';
import type { Directory } from './devices/directory.ts';
import type { DeviceRevocations } from './devices/revocations.ts';
import type { DeviceState } from './devices/state.ts';
import type { DutyStore } from './duty/store.ts';
import type { EmergencyService } from './emergency/service.ts';
import type { EvaluationService } from './evaluation/service.ts';
import type { FamilyService } from './family/service.ts';
import type { IntakeService } from './intake/service.ts';
import type { HealthRecordStore } from './medical/health.ts';
import type { Treatments } from './medical/treatments.ts';
import type { NotificationService } from './notify/service.ts';
import type { MedicalClaims } from './pay/claims.ts';
import type { PayLedger } from './pay/ledger.ts';
import type { LumpSums } from './pay/lump-sums.ts';
import type { Privacy } from './privacy/service.ts';
import type { ReceptionService } from './reception/service.ts';
import type { ServiceProviders } from './requests/providers.ts';
import type { RequestStore } from './requests/store.ts';
import type { WallStore } from './retirees/wall-store.ts';
import type { User } from './schemas/auth.ts';
import type { SecurityContext } from './security/overview.ts';
import type { SystemAccess } from './security/system-access.ts';
import type { StaffRecords } from './staff/service.ts';
import type { AlertStore } from './store/alerts.ts';
import type { DeviceStore } from './store/devices.ts';
import type { RetireeStore } from './store/retirees.ts';
import type { UserStore } from './store/users.ts';
import type { VisitService } from './visits/service.ts';
import type { WatchCommands } from './watches/commands.ts';
import type { VoiceNotes } from './watches/voice.ts';

export interface HubContext {
  db: Database;
  sessions: Sessions;
  registry: Registry;
  sessionHours: number;
  /** The centre's name and phone, printed on rescue cards and shown to families. */
  centre: { name: string; phone: string };
  /** HUB_CARD_FONT, when set. */
  cardFont: string | undefined;
  /** Keys links' tokens (a survey's answer links): HMACs under the hub's key. */
  linkKey: Pick<Vault, 'fingerprint'>;
  /** HUB_PUBLIC_URL without a trailing slash: the hub's address as people outside reach it. */
  publicUrl: string | undefined;
  /** The hub's data folder (HUB_DATA_DIR): attachments live under `<dataDir>/attachments`. */
  dataDir: string;
  /** Largest attached file (HUB_ARCHIVE_MAX_ATTACHMENT_BYTES): archive, intake steps, oral history. */
  maxAttachmentBytes: number;
  /**
   * Origins besides the hub's own whose pages may change things through the API, as for the live
   * channel (HUB_ALLOWED_ORIGINS; server/security/origin.ts).
   */
  allowedOrigins: readonly string[];
  /** Whether /metrics and /docs ask for a sign-in (server/security/system-access.ts). */
  systemAccess: SystemAccess;
}

/** The parts hub.ts builds and runs, which the areas use: decorated on the app by buildApp. */
export interface HubParts {
  retirees: RetireeStore;
  users: UserStore;
  devices: DeviceStore;
  alerts: AlertStore;
  workflow: AlertWorkflow;
  escalation: Escalation;
  directory: Directory;
  deviceState: DeviceState;
  /** Commands to watches and pendants on their makers' protocols, and their log. */
  watchCommands: WatchCommands;
  /** Voice notes watches recorded, kept with their alerts. */
  voiceNotes: VoiceNotes;
  /** What EMQX asks of the hub for devices on it, and the token it sends; null when off. */
  externalBroker: { auth: ExternalBrokerAuth; token: string } | null;
  /** The Mosquitto whose device accounts the hub keeps, once started; null when there is none. */
  brokerAccounts: () => MosquittoAccounts | null;
  /**
   * Resolves true once this instance follows a Zigbee2MQTT bridge's base topic on the external
   * broker (at once with its own broker), false when the broker refused it or did not answer
   * within `timeoutMs`.
   */
  bridgeFollowed: (baseTopic: string, timeoutMs: number) => Promise<boolean>;
  telemetry: TelemetryStore;
  /** Family accounts, their page and their "on my way" (6.11.2.4). */
  families: FamilyService;
  /** Notification channels and the delivery log. */
  notifications: NotificationService;
  /** The six-month check of retirees abroad (6.4.2.4), run on a schedule and on demand. */
  abroadWatch: SuspensionWatch;
  /** A person's data: export, deletion on a decision, retention (server/privacy/). */
  privacy: Privacy;
  /** The security page's sources: the monitor of bursts, refusals, failed sign-ins, the audit chain. */
  security: SecurityContext;
  /** Extra health facts (broker port, spool size…) from the composition root. */
  health: () => Record<string, unknown>;
}

/**
 * What each area decorates on the app in its `plugin.ts`, for its routes and the areas registered after
 * it (`app.visits`, `app.attachments`…).
 */
export interface AreaServices {
  abroadRequests: AbroadRequests;
  abroadStays: AbroadStays;
  activityPlans: ActivityPlans;
  activityEvents: ActivityEvents;
  activityGroups: ActivityGroups;
  archive: ArchiveStore;
  archiveAccess: ArchiveAccessLog;
  attachments: AttachmentStore;
  benefits: BenefitService;
  benefitCards: BenefitCards;
  bereavement: BereavementService;
  care: CareService;
  emergency: EmergencyService;
  staffRecords: StaffRecords;
  payLedger: PayLedger;
  medicalClaims: MedicalClaims;
  lumpSums: LumpSums;
  committee: Committee;
  facilities: Facilities;
  retireeRecords: RetireeRecords;
  consents: ConsentService;
  contributionRegister: ContributionRegister;
  oralHistories: OralHistories;
  deviceRevocations: DeviceRevocations;
  duty: DutyStore;
  evaluation: EvaluationService;
  intake: IntakeService;
  healthRecords: HealthRecordStore;
  treatments: Treatments;
  reception: ReceptionService;
  serviceRequests: RequestStore;
  serviceProviders: ServiceProviders;
  wall: WallStore;
  visits: VisitService;
}

/** The options every area plugin takes. */
export interface AreaOptions {
  hub: HubContext;
}

/**
 * One area of the API as one plugin: `setUp` builds the area's services once and decorates them,
 * adds its work-list providers and registers its routes. Wrapped by fastify-plugin, so what it
 * decorates is seen by the areas registered after it, which name it in their `dependencies`.
 */
export function area(
  name: string,
  setUp: (app: FastifyInstance, hub: HubContext) => unknown,
  dependencies: string[] = [],
) {
  return fp<AreaOptions>(
    async (app, { hub }) => {
      await setUp(app, hub);
    },
    { name, dependencies },
  );
}

declare module 'fastify' {
  interface FastifyInstance extends HubParts, AreaServices {}
  interface FastifyRequest {
    user: User | null;
  }
}
