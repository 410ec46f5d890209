// The disk's ceiling: how many single-row, durable (WAL + synchronous=FULL) SQLite commits per second it
// allows. Every API write is at least one such commit, so this bounds what the server can reach.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export interface RawCommits {
  commits: number;
  seconds: number;
  perSecond: number;
}

export function rawCommitRate(dir: string, seconds = 3): RawCommits {
  const path = join(dir, 'raw-commits.sqlite');
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; CREATE TABLE t (v TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const row = 'x'.repeat(100);
  const start = performance.now();
  const until = start + seconds * 1000;
  let commits = 0;
  while (performance.now() < until) {
    db.exec('BEGIN');
    insert.run(row);
    db.exec('COMMIT');
    commits += 1;
  }
  const elapsed = (performance.now() - start) / 1000;
  db.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  return { commits, seconds: elapsed, perSecond: commits / elapsed };
}
