/**
 * Approval chains by rank (6.4.2.3, 6.4.2.5), as data: one table keyed by the kind of request and
 * the retiree's rank level, and one pure rule that says whether a step may be taken now, by whom,
 * and what the request becomes. The routes and records only carry out what this file decides.
 */
import { ROLE_GROUPS } from '../access/policy.ts';
import type { Role } from '../schemas/auth.ts';

export const REQUEST_KINDS = ['travel', 'part_time_post'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** Rank levels of the archive (retirees.rank): they choose the chain. */
export const RANK_LEVELS = ['师级', '团级', '营级及以下', '士官'] as const;
export type RankLevel = (typeof RANK_LEVELS)[number];

export type StepAction = 'opinion' | 'approval' | 'filing';
export type Decision = 'agree' | 'disagree' | 'approve' | 'reject' | 'file';

export const REQUEST_STATUSES = [
  'requested',
  'opinion_given',
  'centre_approved',
  'approved',
  'rejected',
  'filed',
  'withdrawn',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Statuses after which nothing more happens to a request. */
export const CLOSED_STATUSES: readonly RequestStatus[] = ['approved', 'rejected', 'filed', 'withdrawn'];

export interface ChainStep {
  key: string;
  /** What the step is, as the centre says it. */
  label: string;
  action: StepAction;
  /** Who may record it. */
  roles: readonly Role[];
  /**
   * A decision of the superior veterans department, recorded at the centre by an admin from the
   * department's reply: its document number (文号) and date are required.
   */
  document: boolean;
  /** The request's status after this step when the chain goes on (every step but the last). */
  reaches?: RequestStatus;
  clause: string;
}

const HEADS: readonly Role[] = ROLE_GROUPS.managers;
const STAFF: readonly Role[] = ROLE_GROUPS.records;
const RECORDERS_OF_SUPERIOR_DECISIONS: readonly Role[] = ROLE_GROUPS.admin;

/** What each action accepts as its decision. */
export const DECISIONS: Record<StepAction, readonly Decision[]> = {
  opinion: ['agree', 'disagree'],
  approval: ['approve', 'reject'],
  filing: ['file'],
};

// 6.4.2.3: 师级 — the centre head signs a clear opinion and reports up for approval.
const travelDivision: readonly ChainStep[] = [
  {
    key: 'centre_opinion',
    label: '军休机构主要负责人签署意见',
    action: 'opinion',
    roles: HEADS,
    document: false,
    reaches: 'opinion_given',
    clause: '6.4.2.3',
  },
  {
    key: 'superior_approval',
    label: '上级退役军人事务部门审批',
    action: 'approval',
    roles: RECORDERS_OF_SUPERIOR_DECISIONS,
    document: true,
    clause: '6.4.2.3',
  },
];

// 6.4.2.3: 团级及以下 — filed with the centre.
const travelFiling: readonly ChainStep[] = [
  {
    key: 'centre_filing',
    label: '向军休机构报备',
    action: 'filing',
    roles: STAFF,
    document: false,
    clause: '6.4.2.3',
  },
];

// 6.4.2.5: 师级 — approved by the centre, then reported level by level up to the province.
const postDivision: readonly ChainStep[] = [
  {
    key: 'centre_approval',
    label: '军休机构审批',
    action: 'approval',
    roles: HEADS,
    document: false,
    reaches: 'centre_approved',
    clause: '6.4.2.5',
  },
  {
    key: 'province_approval',
    label: '逐级报省退役军人事务部门审批',
    action: 'approval',
    roles: RECORDERS_OF_SUPERIOR_DECISIONS,
    document: true,
    clause: '6.4.2.5',
  },
];

// 6.4.2.5: 团级及以下 — the centre reports to the superior department, which approves.
const postRegiment: readonly ChainStep[] = [
  {
    key: 'superior_approval',
    label: '由军休机构报上级退役军人事务部门审批',
    action: 'approval',
    roles: RECORDERS_OF_SUPERIOR_DECISIONS,
    document: true,
    clause: '6.4.2.5',
  },
];

export const CHAINS: Readonly<Record<RequestKind, Readonly<Record<RankLevel, readonly ChainStep[]>>>> = {
  travel: { 师级: travelDivision, 团级: travelFiling, 营级及以下: travelFiling, 士官: travelFiling },
  part_time_post: { 师级: postDivision, 团级: postRegiment, 营级及以下: postRegiment, 士官: postRegiment },
};

export const KIND_NAMES: Record<RequestKind, string> = {
  travel: '出国（境）',
  part_time_post: '社会组织兼职',
};

export const STATUS_NAMES: Record<RequestStatus, string> = {
  requested: '已申请',
  opinion_given: '已签署意见',
  centre_approved: '军休机构已批准',
  approved: '已批准',
  rejected: '未批准',
  filed: '已报备',
  withdrawn: '已撤回',
};

/** The rank level named by the archive's rank text, or null when it names none. */
export function rankLevel(rank: string): RankLevel | null {
  const text = rank.trim();
  return (RANK_LEVELS as readonly string[]).includes(text) ? (text as RankLevel) : null;
}

/** Why no chain applies: the retiree's rank is not one of the four levels. */
export function unknownRankMessage(rank: string): string {
  const shown = rank.trim() === '' ? '未填写' : `“${rank.trim()}”`;
  return `该军休干部的职级${shown}，无法确定审批流程：请先在档案中把职级填写为${RANK_LEVELS.join('、')}之一`;
}

export function chainFor(kind: RequestKind, rank: RankLevel): readonly ChainStep[] {
  return CHAINS[kind][rank];
}

export interface StepAttempt {
  step: string;
  decision: Decision;
  role: Role;
  documentNo?: string | null | undefined;
  documentDate?: string | null | undefined;
}

export type StepOutcome =
  | { ok: true; position: number; step: ChainStep; status: RequestStatus; closed: boolean }
  | { ok: false; status: 400 | 403 | 409; message: string };

const DECISION_NAMES: Record<Decision, string> = {
  agree: '同意',
  disagree: '不同意',
  approve: '批准',
  reject: '不批准',
  file: '报备',
};

/**
 * Whether `attempt` may be taken on a request of `kind` for a retiree of `rank` that stands at
 * `status` with `taken` chain steps already recorded, and if so what the request becomes.
 * Order of the checks: a closed request (409), a step outside this chain (400), the role (403), the
 * order of the chain (409), then the decision and the superior department's document (400).
 */
export function takeStep(
  kind: RequestKind,
  rank: RankLevel,
  status: RequestStatus,
  taken: number,
  attempt: StepAttempt,
): StepOutcome {
  if (CLOSED_STATUSES.includes(status)) {
    return { ok: false, status: 409, message: `该申请已办结（${STATUS_NAMES[status]}），不能再办理` };
  }
  const chain = chainFor(kind, rank);
  const position = chain.findIndex((step) => step.key === attempt.step);
  const step = chain[position];
  if (!step) {
    return {
      ok: false,
      status: 400,
      message: `${rank}${KIND_NAMES[kind]}申请的流程没有“${attempt.step}”这一步，应为：${chain
        .map((entry) => `${entry.key}（${entry.label}）`)
        .join(' → ')}`,
    };
  }
  if (!step.roles.includes(attempt.role)) {
    return { ok: false, status: 403, message: `“${step.label}”须由${roleNames(step.roles)}办理` };
  }
  if (position < taken) {
    return { ok: false, status: 409, message: `“${step.label}”已办理，不能重复办理` };
  }
  if (position > taken) {
    const next = chain[taken] as ChainStep;
    return { ok: false, status: 409, message: `须先办理“${next.label}”，再办理“${step.label}”` };
  }
  const allowed = DECISIONS[step.action];
  if (!allowed.includes(attempt.decision)) {
    return {
      ok: false,
      status: 400,
      message: `“${step.label}”的办理结果（decision）应为${allowed
        .map((decision) => `${decision}（${DECISION_NAMES[decision]}）`)
        .join('或')}`,
    };
  }
  if (step.document) {
    if (!attempt.documentNo?.trim()) {
      return { ok: false, status: 400, message: `“${step.label}”须填写上级部门批复的文号（documentNo）` };
    }
    if (!attempt.documentDate) {
      return { ok: false, status: 400, message: `“${step.label}”须填写上级部门批复的日期（documentDate）` };
    }
  }
  const last = position === chain.length - 1;
  let next: RequestStatus;
  if (attempt.decision === 'reject') next = 'rejected';
  else if (attempt.decision === 'file') next = 'filed';
  else if (last) next = 'approved';
  else next = step.reaches ?? status;
  return { ok: true, position, step, status: next, closed: CLOSED_STATUSES.includes(next) };
}

const ROLE_NAMES: Partial<Record<Role, string>> = {
  admin: '管理员',
  supervisor: '主管',
  caseworker: '业务经办人员',
};

function roleNames(roles: readonly Role[]): string {
  return roles.map((role) => ROLE_NAMES[role] ?? role).join('或');
}
