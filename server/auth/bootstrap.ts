/**
 * The first admin: from HUB_ADMIN_PASSWORD, or a generated password printed once at first start.
 * There is no default account: a hub never starts with a password anyone could guess (admin/admin).
 */
import type { UserStore } from '../store/users.ts';
import { passwordProblem } from './passwords.ts';
import { generatePassword, hashPassword } from './secrets.ts';

export const FIRST_ADMIN = 'admin';

export async function ensureAdmin(
  users: UserStore,
  configuredPassword: string | undefined,
): Promise<{ created: boolean; generatedPassword?: string }> {
  if ((await users.count()) > 0) return { created: false };
  const password = configuredPassword ?? generatePassword();
  // loadConfig refuses a weak HUB_ADMIN_PASSWORD already; this keeps any other caller honest.
  const problem = passwordProblem(password, FIRST_ADMIN);
  if (problem) throw new Error(`HUB_ADMIN_PASSWORD: ${problem}`);
  await users.create({
    username: FIRST_ADMIN,
    displayName: '系统管理员',
    role: 'admin',
    passwordHash: await hashPassword(password),
  });
  return configuredPassword ? { created: true } : { created: true, generatedPassword: password };
}
