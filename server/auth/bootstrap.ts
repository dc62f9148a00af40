/**
 * The first admin: from HUB_ADMIN_PASSWORD, or a generated password printed once at first start.
 */
import type { UserRecords } from '../records/users.ts';
import { generatePassword, hashPassword } from './secrets.ts';

export async function ensureAdmin(
  users: UserRecords,
  configuredPassword: string | undefined,
): Promise<{ created: boolean; generatedPassword?: string }> {
  if ((await users.count()) > 0) return { created: false };
  const password = configuredPassword ?? generatePassword();
  await users.create({
    username: 'admin',
    displayName: '系统管理员',
    role: 'admin',
    passwordHash: await hashPassword(password),
  });
  return configuredPassword ? { created: true } : { created: true, generatedPassword: password };
}
