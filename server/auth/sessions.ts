/** Sign-in and the bearer tokens (or cookie) that follow it. */

import { unauthorized } from '../errors.ts';
import type { UserRecords } from '../records/users.ts';
import { publicUser } from '../records/users.ts';
import type { User } from '../schemas/auth.ts';
import { hashPassword, hashToken, newToken, verifyPassword } from './secrets.ts';

export const SESSION_COOKIE = 'hub_session';

// Verified against when the user does not exist, so that both paths take as long.
let dummyHash: Promise<string> | undefined;

export class Sessions {
  constructor(
    private readonly users: UserRecords,
    private readonly sessionHours: number,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async login(username: string, password: string): Promise<{ token: string; expiresAt: Date; user: User }> {
    const user = await this.users.byUsername(username);
    dummyHash ??= hashPassword(newToken());
    const valid = await verifyPassword(user?.passwordHash ?? (await dummyHash), password);
    if (!user || !valid || user.disabled) throw unauthorized('wrong username or password');
    const token = newToken();
    const expiresAt = new Date(this.clock().getTime() + this.sessionHours * 3_600_000);
    await this.users.createSession(hashToken(token), user.id, expiresAt);
    return { token, expiresAt, user: publicUser(user) };
  }

  async userFor(token: string | undefined): Promise<User | null> {
    if (!token || token.length > 200) return null;
    const user = await this.users.sessionUser(hashToken(token), this.clock());
    return user ? publicUser(user) : null;
  }

  async logout(token: string): Promise<void> {
    await this.users.deleteSession(hashToken(token));
  }
}
