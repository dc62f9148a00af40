/**
 * The tokens of links that open one thing without signing in (an alert's page for a staff member, a
 * survey for a retiree or a family member): the link's id and an HMAC of it under the hub's key for
 * the link's purpose, so a token cannot be made up or altered and nothing secret is stored. The
 * stored row says what the link opens; revoking it is a mark on the row.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Vault } from './vault.ts';

/** Hex characters of the HMAC kept in the token: 128 bits. */
const MAC_LENGTH = 32;
const TOKEN = /^([0-9a-f]{32})\.([0-9a-f]{32})$/;

const compact = (id: string) => id.replaceAll('-', '');
const expand = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

export class LinkTokens {
  constructor(
    private readonly key: Pick<Vault, 'fingerprint'>,
    private readonly purpose: string,
  ) {}

  private mac(id: string): string {
    return this.key.fingerprint(this.purpose, id).slice(0, MAC_LENGTH);
  }

  /** The token of the link whose id is `id`. */
  token(id: string): string {
    return `${compact(id)}.${this.mac(id)}`;
  }

  /** The link id a token names, or null when the token is malformed or forged. */
  idOf(token: string): string | null {
    const match = TOKEN.exec(token);
    if (!match) return null;
    const id = expand(match[1] as string);
    const given = Buffer.from(match[2] as string);
    const expected = Buffer.from(this.mac(id));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    return id;
  }
}
