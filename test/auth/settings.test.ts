import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Vault } from '../../server/auth/vault.ts';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { makeTempDir } from '../helpers/tmp.ts';

describe('account and session settings', () => {
  it('has safe defaults', () => {
    expect(loadConfig({})).toMatchObject({
      sessionHours: 12,
      sessionIdleMinutes: 30,
      adminTotpRequired: true,
      allowedOrigins: [],
      secretKey: undefined,
      loginThrottle: {
        perIp: 10,
        perAccount: 5,
        accountRefuseAt: 50,
        windowMs: 900_000,
        cooldownMs: 300_000,
      },
    });
  });

  it('reads the allowed origins, and refuses what is not an origin', () => {
    expect(
      loadConfig({ HUB_ALLOWED_ORIGINS: 'https://wall.example.org, http://10.0.0.5:8080' }).allowedOrigins,
    ).toStrictEqual(['https://wall.example.org', 'http://10.0.0.5:8080']);
    for (const bad of ['wall.example.org', 'https://wall.example.org/path', 'ftp://x.org', '*']) {
      expect(() => loadConfig({ HUB_ALLOWED_ORIGINS: bad })).toThrow(/^HUB_ALLOWED_ORIGINS: /);
    }
  });

  it.each([
    ['HUB_SECRET_KEY', 'c2hvcnQ='],
    ['HUB_SESSION_IDLE_MINUTES', '0'],
    ['HUB_ADMIN_TOTP_REQUIRED', 'maybe'],
    ['HUB_LOGIN_FAILURES_PER_IP', '0'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^${name}: `));
  });
});

describe('the vault sealing TOTP secrets', () => {
  it('seals and opens, and a changed byte or another key does not open', () => {
    const vault = Vault.fromKey(randomBytes(32));
    const sealed = vault.seal('JBSWY3DPEHPK3PXP');
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(vault.seal('JBSWY3DPEHPK3PXP')).not.toBe(sealed);
    expect(vault.open(sealed)).toBe('JBSWY3DPEHPK3PXP');
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    expect(() => vault.open(`v1:${raw.toString('base64')}`)).toThrow();
    expect(() => Vault.fromKey(randomBytes(32)).open(sealed)).toThrow();
  });

  it('fingerprints a text per purpose, the same under the same key and nothing alike under another', () => {
    const key = randomBytes(32);
    const vault = Vault.fromKey(key);
    const code = vault.fingerprint('jt808 auth code', '13912344323');
    expect(code).toMatch(/^[0-9a-f]{64}$/);
    expect(Vault.fromKey(Buffer.from(key)).fingerprint('jt808 auth code', '13912344323')).toBe(code);
    expect(vault.fingerprint('jt808 auth code', '13912344324')).not.toBe(code);
    expect(vault.fingerprint('another purpose', '13912344323')).not.toBe(code);
    expect(Vault.fromKey(randomBytes(32)).fingerprint('jt808 auth code', '13912344323')).not.toBe(code);
  });

  it('makes a key file readable by the hub alone at first start and reads it after', async () => {
    const dir = await makeTempDir('junxiu-vault-');
    try {
      const first = await Vault.open(undefined, dir.path);
      const info = await stat(path.join(dir.path, 'secret.key'));
      expect(info.mode & 0o077).toBe(0);
      const again = await Vault.open(undefined, dir.path);
      expect(again.open(first.seal('secret'))).toBe('secret');
    } finally {
      await dir.remove();
    }
  });
});
