/** Certificates for the tests of the hub's TLS listeners. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * A throwaway self-signed certificate for 127.0.0.1 and localhost, made with openssl: ECDSA P-256,
 * or RSA (with which a server could also agree to static-RSA key exchange).
 */
export function selfSigned(
  folder: string,
  name = 'hub',
  keyType: 'ec' | 'rsa' = 'ec',
): { cert: string; key: string } {
  const cert = path.join(folder, `${name}.crt`);
  const key = path.join(folder, `${name}.key`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      ...(keyType === 'ec' ? ['ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'] : ['rsa:2048']),
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}
