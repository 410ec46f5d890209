// What this server last signed, kept outside the database. If the database is restored from an older
// backup (or edited), the tree no longer extends what was signed and the server refuses to sign again,
// rather than signing a second, inconsistent history.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';

export interface SignedHead {
  origin: string;
  size: number;
  rootHash: string;
}

export interface SignedState {
  read(): SignedHead | null;
  write(head: SignedHead): void;
}

export function fileSignedState(path: string): SignedState {
  return {
    read: () => (existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as SignedHead) : null),
    write: (head) => {
      const tmp = `${path}.tmp`;
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeSync(fd, `${JSON.stringify(head)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, path);
    },
  };
}

export function memorySignedState(): SignedState {
  let head: SignedHead | null = null;
  return { read: () => head, write: (h) => (head = h) };
}
