import { describe, expect, it } from 'vitest';
import {
  base32Decode,
  base32Encode,
  hotp,
  matchTotp,
  newTotpSecret,
  otpauthUri,
  totpCode,
  totpStep,
} from '../../server/auth/totp.ts';

// RFC 6238 Appendix B, SHA-1 rows: the seed is the ASCII string "12345678901234567890", 8 digits.
const SEED = Buffer.from('12345678901234567890', 'ascii');
const VECTORS: [number, string][] = [
  [59, '94287082'],
  [1_111_111_109, '07081804'],
  [1_111_111_111, '14050471'],
  [1_234_567_890, '89005924'],
  [2_000_000_000, '69279037'],
  [20_000_000_000, '65353130'],
];

describe('TOTP (RFC 6238, SHA-1, 30 s)', () => {
  it.each(VECTORS)('matches the RFC test vector at T=%i', (seconds, expected) => {
    expect(hotp(SEED, totpStep(seconds * 1000), 8)).toBe(expected);
  });

  it('gives the last six digits of the vector from a base32 secret, as apps do', () => {
    const secret = base32Encode(SEED);
    expect(secret).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(base32Decode(secret)).toStrictEqual(SEED);
    expect(totpCode(secret, 59_000)).toBe('287082');
    expect(totpCode(secret, 1_111_111_109_000)).toBe('081804');
  });

  it('accepts one step of clock drift either side and no more', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const now = 1_700_000_000_000;
    const step = totpStep(now);
    expect(matchTotp(secret, totpCode(secret, now), now)).toBe(step);
    expect(matchTotp(secret, totpCode(secret, now - 30_000), now)).toBe(step - 1);
    expect(matchTotp(secret, totpCode(secret, now + 30_000), now)).toBe(step + 1);
    expect(matchTotp(secret, totpCode(secret, now - 90_000), now)).toBeNull();
    expect(matchTotp(secret, '12345', now)).toBeNull();
    expect(matchTotp(secret, 'abcdef', now)).toBeNull();
  });

  it('writes the otpauth URI authenticator apps read', () => {
    expect(otpauthUri('JBSWY3DPEHPK3PXP', 'zhang.wei', '军休服务中心')).toBe(
      'otpauth://totp/%E5%86%9B%E4%BC%91%E6%9C%8D%E5%8A%A1%E4%B8%AD%E5%BF%83:zhang.wei?secret=JBSWY3DPEHPK3PXP&issuer=%E5%86%9B%E4%BC%91%E6%9C%8D%E5%8A%A1%E4%B8%AD%E5%BF%83&algorithm=SHA1&digits=6&period=30',
    );
  });
});
