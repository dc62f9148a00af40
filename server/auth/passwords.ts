/**
 * What a password must be (OWASP ASVS 2.1): at least 12 characters, at most 256, not the
 * username, not one of the passwords every guesser tries first. Checked for the first admin at
 * start and for every staff password set or changed.
 */

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

// The first guesses of every password list (and their obvious variants, compared lowercased).
const COMMON = new Set([
  'admin',
  'administrator',
  'password',
  'passw0rd',
  'password1',
  'password123',
  'password1234',
  'admin123',
  'admin1234',
  'admin123456',
  'adminadmin',
  'administrator1',
  'root',
  'toor',
  '123456',
  '12345678',
  '123456789',
  '1234567890',
  '123456789012',
  '111111111111',
  '000000000000',
  'qwerty',
  'qwertyuiop',
  'qwerty123456',
  '1q2w3e4r5t6y',
  'iloveyou',
  'changeme',
  'letmein',
  'welcome',
  'abc123',
  'abcdefghijkl',
]);

/** Why the password is refused (Chinese, for the person), or null when it is acceptable. */
export function passwordProblem(password: string, username?: string): string | null {
  if ([...password].length < PASSWORD_MIN_LENGTH) return `密码至少 ${PASSWORD_MIN_LENGTH} 个字符`;
  if (password.length > PASSWORD_MAX_LENGTH) return `密码最多 ${PASSWORD_MAX_LENGTH} 个字符`;
  const lower = password.toLowerCase();
  if (
    username &&
    (lower === username.toLowerCase() || lower === [...username.toLowerCase()].reverse().join(''))
  ) {
    return '密码不能与用户名相同';
  }
  if (COMMON.has(lower)) return '密码过于常见，请换一个';
  if (new Set(password).size < 4) return '密码的字符种类太少（不能只重复一两个字符）';
  return null;
}
