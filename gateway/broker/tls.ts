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

/** The options node:tls and node:https take, read from the files. */
export function tlsOptions(files: TlsFiles): tls.TlsOptions {
  return {
    cert: readFileSync(files.certFile),
    key: readFileSync(files.keyFile),
    ...(files.caFile ? { ca: readFileSync(files.caFile), requestCert: true, rejectUnauthorized: true } : {}),
    minVersion: 'TLSv1.2',
  };
}

export function createTlsServer(
  files: TlsFiles,
  onConnection: (socket: Socket) => void,
  onHandshakeError: (error: Error, socket: Socket) => void,
): tls.Server {
  const server = tls.createServer(tlsOptions(files), onConnection);
  server.on('tlsClientError', (error, socket) => {
    onHandshakeError(error, socket);
    socket.destroy();
  });
  return server;
}
