/**
 * MQTT over TLS (port 8883 by default) from certificate files. The files are read when the listener
 * starts, so a renewed certificate is taken by restarting the hub (README: rotating certificates).
 */
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import tls from 'node:tls';

export interface TlsFiles {
  /** PEM certificate chain, the server's certificate first. */
  certFile: string;
  /** PEM private key of that certificate. */
  keyFile: string;
  /** PEM CA bundle; when given, clients must present a certificate it signed. */
  caFile?: string | undefined;
}

export interface TlsListener extends TlsFiles {
  host: string;
  port: number;
}

/**
 * TLS 1.2 suites offered: ECDHE key exchange only (forward secrecy: a key stolen later does not
 * open recorded traffic; no static-RSA `AES128-GCM-SHA256` and the like, RFC 9325 4.1) with AEAD
 * ciphers, the suites of RFC 9325 4.2 and their ChaCha20 siblings. ECDSA and RSA certificates both
 * work. TLS 1.3 has forward secrecy by design; its three suites are listed as Node has them.
 */
export const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
];

const TLS13_CIPHERS = ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256'];

/** The options node:tls and node:https take, read from the files. */
export function tlsOptions(files: TlsFiles): tls.TlsOptions {
  return {
    cert: readFileSync(files.certFile),
    key: readFileSync(files.keyFile),
    ...(files.caFile ? { ca: readFileSync(files.caFile), requestCert: true, rejectUnauthorized: true } : {}),
    minVersion: 'TLSv1.2',
    ciphers: [...TLS13_CIPHERS, ...TLS12_CIPHERS].join(':'),
    // The server's order, strongest first, not the client's.
    honorCipherOrder: true,
  };
}

export function createTlsServer(
  files: TlsFiles,
  onConnection: (socket: Socket) => void,
  onHandshakeError: (error: Error, socket: Socket) => void,
): tls.Server {
  // What the hub answers goes out at once (TCP_NODELAY), as on the plain ports.
  const server = tls.createServer({ ...tlsOptions(files), noDelay: true }, onConnection);
  server.on('tlsClientError', (error, socket) => {
    onHandshakeError(error, socket);
    socket.destroy();
  });
  return server;
}
