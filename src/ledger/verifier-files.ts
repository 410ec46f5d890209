// Synchronous whole-file reads into reusable buffers for the verifier's hot loop, and the walk that finds
// files an export should not have. Every failure comes back as a value, never as an exception.
import { closeSync, fstatSync, openSync, readSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export type ReadProblem = 'missing' | 'not-a-file' | 'too-large' | 'unreadable';

/** Reads files into one growing buffer; a result is valid until the next read. */
export class FileReader {
  // Unzeroed and grown on demand: a verifier run makes a few of these, and a checkpoint is tiny.
  #buf = Buffer.allocUnsafe(1 << 16);
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** The file's bytes (a view into the shared buffer), or why they cannot be had. */
  read(path: string, maxBytes: number): Buffer | ReadProblem {
    let fd: number;
    try {
      fd = openSync(join(this.#dir, path), 'r');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'unreadable';
    }
    try {
      const stats = fstatSync(fd);
      if (!stats.isFile()) return 'not-a-file';
      if (stats.size > maxBytes) return 'too-large';
      if (stats.size > this.#buf.length)
        this.#buf = Buffer.allocUnsafe(Math.max(stats.size, this.#buf.length * 2));
      let length = 0;
      // Read until EOF rather than trusting the size: a file may change under us.
      for (;;) {
        if (length === this.#buf.length) {
          if (length >= maxBytes) return 'too-large';
          const grown = Buffer.allocUnsafe(this.#buf.length * 2);
          this.#buf.copy(grown, 0, 0, length);
          this.#buf = grown;
        }
        const n = readSync(fd, this.#buf, length, this.#buf.length - length, length);
        if (n === 0) break;
        length += n;
      }
      return length > maxBytes ? 'too-large' : this.#buf.subarray(0, length);
    } catch {
      return 'unreadable';
    } finally {
      closeSync(fd);
    }
  }
}

/** Every non-directory under `dir/sub`, as sorted paths relative to `dir` with forward slashes. */
export function listFiles(dir: string, sub: string): string[] | ReadProblem {
  try {
    const entries = readdirSync(join(dir, sub), { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => !e.isDirectory())
      .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
      .sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? [] : code === 'ENOTDIR' ? 'not-a-file' : 'unreadable';
  }
}
