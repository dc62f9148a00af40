/**
 * Encryption of the secrets the hub must read back (TOTP secrets): AES-256-GCM under the hub's
 * key, so a copy of the database alone does not give away anyone's second factor. The key is
 * HUB_SECRET_KEY (base64, 32 bytes; the same on every instance of a cluster), or else a key file
 * made at first start in the data folder, readable by the hub's user only.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

const PREFIX = 'v1:';

export class Vault {
  /** A fingerprint key per purpose, derived once: a watch's every connection asks for its code. */
  private readonly purposeKeys = new Map<string, Buffer>();

  private constructor(private readonly key: Buffer) {}

  static fromKey(key: Buffer): Vault {
    if (key.length !== 32) throw new Error('the secret key must be 32 bytes');
    return new Vault(key);
  }

  /** The configured key, or the data folder's key file (created when missing). */
  static async open(configuredKey: Buffer | undefined, dataDir: string): Promise<Vault> {
    if (configuredKey) return Vault.fromKey(configuredKey);
    const file = path.join(dataDir, 'secret.key');
    try {
      return Vault.fromKey(Buffer.from((await fs.readFile(file, 'utf8')).trim(), 'base64'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const key = randomBytes(32);
    // 'wx': two instances sharing a folder must not each write their own key.
    await fs
      .writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' })
      .catch(async (error) => {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      });
    return Vault.fromKey(Buffer.from((await fs.readFile(file, 'utf8')).trim(), 'base64'));
  }

  /**
   * A keyed fingerprint of `text` for one `purpose` (HMAC-SHA256 under a key derived from the hub's
   * key with HKDF), as hex: the same after a restart and on every instance, not to be worked out
   * from `text` alone, and different for each purpose.
   */
  fingerprint(purpose: string, text: string): string {
    let key = this.purposeKeys.get(purpose);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), `junxiu-hub ${purpose}`, 32));
      this.purposeKeys.set(purpose, key);
    }
    return createHmac('sha256', key).update(text).digest('hex');
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  open(sealed: string): string {
    if (!sealed.startsWith(PREFIX)) throw new Error('not a sealed value');
    const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}
