/**
 * HMAC-SHA256 built by hand from RFC 2104 over node:crypto's plain SHA-256, so the robot signature
 * tests do not check node:crypto's HMAC against itself.
 */
import { createHash } from 'node:crypto';

const BLOCK = 64;

export function hmacSha256(key: Buffer, message: Buffer): Buffer {
  let block = key.length > BLOCK ? createHash('sha256').update(key).digest() : key;
  block = Buffer.concat([block, Buffer.alloc(BLOCK - block.length)]);
  const inner = Buffer.from(block.map((byte) => byte ^ 0x36));
  const outer = Buffer.from(block.map((byte) => byte ^ 0x5c));
  const innerHash = createHash('sha256').update(inner).update(message).digest();
  return createHash('sha256').update(outer).update(innerHash).digest();
}
