/**
 * Sign-in and the sessions that follow it (OWASP ASVS 3): a new random token at every sign-in,
 * stored only as its SHA-256; an idle timeout (no request and no open live connection for
 * `idleMinutes`) and an absolute one (`sessionHours`); sign-out, a new password and a disabled
 * account end sessions here on the server, and `session.ended` on the hub's bus has the live
 * channel drop the sockets that belonged to them. Admins must have a TOTP second factor before they get a session.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventBus } from '../../devices/bus.ts';
import type { SessionEnd } from '../../devices/contract.ts';
import { HubError, unauthorized } from '../errors.ts';
import type { TotpSetup, User } from '../schemas/auth.ts';
import type { SessionKind, UserStore, UserWithHash } from '../store/users.ts';
import { publicUser } from '../store/users.ts';
import { passwordProblem } from './passwords.ts';
import { hashPassword, hashToken, newToken, passwordNeedsRehash, verifyPassword } from './secrets.ts';
import { LoginThrottle } from './throttle.ts';
import { matchTotp, newTotpSecret, otpauthUri } from './totp.ts';
import type { Vault } from './vault.ts';

export const SESSION_COOKIE = 'hub_session';

/** A session's last use is written at most this often (not on every request). */
const TOUCH_EVERY_MS = 60_000;

export interface SessionSettings {
  sessionHours: number;
  idleMinutes: number;
  /** Admins must enrol TOTP before their first session. */
  adminTotpRequired: boolean;
  /** The name authenticator apps show beside the account. */
  issuer: string;
  enrolmentMinutes: number;
}

export interface LoginMetrics {
  failed(): void;
  refused(reason: 'ip' | 'account'): void;
  delayed(): void;
}

export type LoginOutcome =
  | { kind: 'session'; token: string; expiresAt: Date; user: User }
  | {
      kind: 'refused';
      status: 401 | 429;
      error: string;
      message: string;
      retryAfterSeconds?: number;
      enrolmentToken?: string;
      enrolmentExpiresAt?: Date;
    };

export type { SessionEnd };

// Verified against when the user does not exist, so that both paths take as long.
let dummyHash: Promise<string> | undefined;

const WRONG = {
  kind: 'refused',
  status: 401,
  error: 'unauthorized',
  message: 'wrong username or password',
} as const;

/** Ended sessions (expired, idle, spent enrolment tokens) are deleted this often. */
const SWEEP_EVERY_MS = 15 * 60_000;

export class Sessions {
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly users: UserStore,
    private readonly bus: EventBus,
    private readonly settings: SessionSettings,
    private readonly vault: Vault,
    readonly throttle: LoginThrottle = new LoginThrottle(),
    private readonly metrics: LoginMetrics = { failed() {}, refused() {}, delayed() {} },
    private readonly clock: () => Date = () => new Date(),
  ) {}

  get sessionHours(): number {
    return this.settings.sessionHours;
  }

  /** Deletes ended sessions now and every quarter hour, so the table holds live ones only. */
  start(onError: (error: unknown) => void = () => {}): void {
    const sweep = () => this.sweep().catch(onError);
    void sweep();
    this.sweepTimer = setInterval(sweep, SWEEP_EVERY_MS);
    this.sweepTimer.unref();
  }

  stop(): void {
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
  }

  async sweep(): Promise<void> {
    const now = this.clock();
    await this.users.deleteExpiredSessions(now, this.idleSince(now));
  }

  async login(
    username: string,
    password: string,
    code: string | undefined,
    ip: string,
  ): Promise<LoginOutcome> {
    const verdict = await this.throttle.check(username, ip);
    if (verdict.kind === 'refuse') {
      this.metrics.refused(verdict.reason);
      return {
        kind: 'refused',
        status: 429,
        error: 'rate_limited',
        message: `登录失败次数过多，请 ${verdict.retryAfterSeconds} 秒后再试`,
        retryAfterSeconds: verdict.retryAfterSeconds,
      };
    }
    if (verdict.delayMs > 0) {
      this.metrics.delayed();
      await sleep(verdict.delayMs);
    }
    const user = await this.users.byUsername(username);
    dummyHash ??= hashPassword(newToken());
    const valid = await verifyPassword(user?.passwordHash ?? (await dummyHash), password);
    if (!user || !valid) return this.failed(username, ip);
    if (user.disabled) {
      return { kind: 'refused', status: 401, error: 'account_disabled', message: '账号已停用，请联系管理员' };
    }
    if (passwordNeedsRehash(user.passwordHash)) {
      await this.users.setPasswordHash(user.id, await hashPassword(password), false);
    }
    if (user.totpSecret) {
      if (!code) {
        return {
          kind: 'refused',
          status: 401,
          error: 'totp_required',
          message: '请输入身份验证器上的 6 位动态码',
        };
      }
      if (!(await this.codeAccepted(user, user.totpSecret, code))) {
        await this.failed(username, ip);
        return { kind: 'refused', status: 401, error: 'totp_invalid', message: '动态码不正确或已使用' };
      }
    } else if (user.role === 'admin' && this.settings.adminTotpRequired) {
      // The password was right: a short-lived token that can only enrol TOTP, then sign in.
      const token = newToken();
      const expiresAt = new Date(this.clock().getTime() + this.settings.enrolmentMinutes * 60_000);
      await this.users.createSession(hashToken(token), user.id, expiresAt, 'totp_enrolment', this.clock());
      await this.throttle.succeeded(username, ip);
      return {
        kind: 'refused',
        status: 401,
        error: 'totp_enrolment_required',
        message: '管理员账号须先绑定身份验证器（TOTP）才能登录',
        enrolmentToken: token,
        enrolmentExpiresAt: expiresAt,
      };
    }
    await this.throttle.succeeded(username, ip);
    return this.open(user);
  }

  /** A new session for the user: a fresh random token, never one used before. */
  private async open(user: UserWithHash): Promise<LoginOutcome & { kind: 'session' }> {
    const token = newToken();
    const now = this.clock();
    const expiresAt = new Date(now.getTime() + this.settings.sessionHours * 3_600_000);
    await this.users.createSession(hashToken(token), user.id, expiresAt, 'session', now);
    return { kind: 'session', token, expiresAt, user: publicUser(user) };
  }

  private async failed(username: string, ip: string): Promise<LoginOutcome> {
    await this.throttle.failed(username, ip);
    this.metrics.failed();
    return WRONG;
  }

  private idleSince(now: Date): Date {
    return new Date(now.getTime() - this.settings.idleMinutes * 60_000);
  }

  async userFor(token: string | undefined): Promise<User | null> {
    const user = await this.liveUser(token, 'session');
    return user ? publicUser(user) : null;
  }

  private async liveUser(token: string | undefined, kind: SessionKind): Promise<UserWithHash | null> {
    if (!token || token.length > 200) return null;
    const now = this.clock();
    const tokenHash = hashToken(token);
    const user = await this.users.sessionUser(tokenHash, now, {
      kind,
      ...(kind === 'session' ? { idleSince: this.idleSince(now) } : {}),
    });
    if (!user) return null;
    if (kind === 'session' && now.getTime() - user.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
      await this.users.touchSession(tokenHash, now);
    }
    return user;
  }

  /** Of these session hashes (the live channel's sockets), the ones still live; marks them used. */
  liveSessions(tokenHashes: string[]): Promise<Set<string>> {
    const now = this.clock();
    return this.users.liveSessions(tokenHashes, now, this.idleSince(now));
  }

  async logout(token: string): Promise<void> {
    const tokenHash = hashToken(token);
    await this.users.deleteSession(tokenHash);
    this.ended({ tokenHash });
  }

  /** Ends every session of the user but `keepToken`'s, and drops their live connections. */
  async endSessionsOf(userId: string, keepToken?: string): Promise<void> {
    const keep = keepToken ? hashToken(keepToken) : undefined;
    await this.users.deleteSessionsOf(userId, keep);
    this.ended({ userId });
  }

  /** An admin disables or enables a staff account; disabling ends its sessions at once. */
  async setDisabled(userId: string, disabled: boolean): Promise<User | null> {
    const user = await this.users.setDisabled(userId, disabled);
    if (user && disabled) await this.endSessionsOf(userId);
    return user;
  }

  /** The signed-in user changes their password; their other sessions end. */
  async changePassword(userId: string, token: string, current: string, next: string): Promise<void> {
    const user = await this.users.byId(userId);
    if (!user || !(await verifyPassword(user.passwordHash, current))) {
      throw new HubError(400, 'bad_request', 'currentPassword: 当前密码不正确');
    }
    const problem = passwordProblem(next, user.username);
    if (problem) throw new HubError(400, 'bad_request', `newPassword: ${problem}`);
    if (next === current) throw new HubError(400, 'bad_request', 'newPassword: 新密码不能与当前密码相同');
    await this.users.setPasswordHash(userId, await hashPassword(next));
    await this.endSessionsOf(userId, token);
  }

  // ----- TOTP -----

  /** The user of an enrolment token (an admin who must enrol before signing in). */
  async enrolmentUser(token: string): Promise<UserWithHash> {
    const user = await this.liveUser(token, 'totp_enrolment');
    if (!user) throw unauthorized('enrolment token expired or unknown: sign in again');
    return user;
  }

  /** A new secret, shown once; it becomes the second factor when a code from it is confirmed. */
  async beginTotp(userId: string): Promise<TotpSetup> {
    const user = await this.users.byId(userId);
    if (!user) throw unauthorized();
    if (user.totpSecret) throw new HubError(409, 'conflict', '已绑定身份验证器；如需更换请先解除');
    const secret = newTotpSecret();
    await this.users.setTotpPending(userId, this.vault.seal(secret));
    return { secret, otpauthUri: otpauthUri(secret, user.username, this.settings.issuer) };
  }

  async confirmTotp(userId: string, code: string): Promise<void> {
    const user = await this.users.byId(userId);
    if (!user?.totpPendingSecret) throw new HubError(409, 'conflict', '请先开始绑定（获取密钥）');
    const step = matchTotp(this.vault.open(user.totpPendingSecret), code, this.clock().getTime());
    if (step === null) throw new HubError(400, 'bad_request', 'code: 动态码不正确');
    await this.users.enableTotp(userId, user.totpPendingSecret, step);
  }

  /** Confirms the enrolment of an admin who had no session yet, ends the token, opens a session. */
  async confirmEnrolment(token: string, code: string): Promise<LoginOutcome & { kind: 'session' }> {
    const user = await this.enrolmentUser(token);
    await this.confirmTotp(user.id, code);
    await this.users.deleteSession(hashToken(token));
    const fresh = await this.users.byId(user.id);
    if (!fresh || fresh.disabled) throw unauthorized();
    return this.open(fresh);
  }

  /** The user removes their own second factor, proving it with a current code. */
  async disableOwnTotp(userId: string, code: string): Promise<void> {
    const user = await this.users.byId(userId);
    if (!user?.totpSecret) throw new HubError(409, 'conflict', '未绑定身份验证器');
    if (user.role === 'admin' && this.settings.adminTotpRequired) {
      throw new HubError(409, 'conflict', '管理员账号必须保留身份验证器');
    }
    if (!(await this.codeAccepted(user, user.totpSecret, code))) {
      throw new HubError(400, 'bad_request', 'code: 动态码不正确或已使用');
    }
    await this.users.disableTotp(userId);
  }

  /** An admin removes another account's second factor (a lost phone); its sessions end. */
  async resetTotp(userId: string): Promise<boolean> {
    const done = await this.users.disableTotp(userId);
    if (done) await this.endSessionsOf(userId);
    return done;
  }

  private async codeAccepted(user: UserWithHash, sealed: string, code: string): Promise<boolean> {
    const step = matchTotp(this.vault.open(sealed), code, this.clock().getTime());
    return step !== null && (await this.users.useTotpStep(user.id, step));
  }

  /** Heard at once (the live channel drops the sockets before the caller's answer goes out). */
  private ended(end: SessionEnd): void {
    this.bus.emit('session.ended', end);
  }
}
