// The serving certificate and key (CHANGEPROOF_TLS_CERT / CHANGEPROOF_TLS_KEY): read before anything else
// starts, and read again when the files change, so a renewal (cert-manager rewrites the mounted secret)
// takes effect without a restart. A half-written or mismatched pair keeps the certificate in use.
import { readFileSync, statSync } from 'node:fs';
import type { Server } from 'node:https';
import type { Config } from '../config.ts';

export type TlsFiles = NonNullable<Config['tls']>;

/** The certificate chain and key; a file that cannot be read stops the start, naming its variable. */
export function readTls(tls: TlsFiles): { cert: Buffer; key: Buffer } {
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new Error(`cannot read the TLS ${what} ${file}: ${(err as Error).message}`, { cause: err });
    }
  };
  return {
    cert: read(tls.certFile, 'certificate (CHANGEPROOF_TLS_CERT)'),
    key: read(tls.keyFile, 'key (CHANGEPROOF_TLS_KEY)'),
  };
}

const stamp = (tls: TlsFiles) => {
  try {
    return [tls.certFile, tls.keyFile].map((f) => statSync(f).mtimeMs).join('/');
  } catch {
    return 'unreadable';
  }
};

export interface TlsReloader {
  /** Looks at the files now; true when a new certificate was taken into use. */
  check: () => boolean;
  stop: () => void;
}

/** Polls the files' modification times and swaps the server's certificate when they change. */
export function reloadTlsOnChange(
  server: Server,
  tls: TlsFiles,
  onError: (err: unknown) => void,
  intervalMs = 60_000,
): TlsReloader {
  let seen = stamp(tls);
  const check = () => {
    const now = stamp(tls);
    if (now === seen || now === 'unreadable') return false;
    try {
      // Throws on a key that does not match the certificate: keep serving the old pair, try again later.
      server.setSecureContext(readTls(tls));
      seen = now;
      return true;
    } catch (err) {
      onError(err);
      return false;
    }
  };
  const timer = setInterval(check, intervalMs);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}
