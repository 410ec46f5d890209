// Small helpers shared by the benchmarks: latency summaries, table printing and a description of the machine.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles of latencies in milliseconds. */
export function summarise(ms: readonly number[]): Summary {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? 0;
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return { n: s.length, p50: at(50), p95: at(95), p99: at(99), max: s.at(-1) ?? 0, mean };
}

const ms = (v: number) => v.toFixed(2).padStart(8);

export function printTable(rows: [string, Summary][]): void {
  const w = Math.max(8, ...rows.map(([name]) => name.length));
  console.log(`  ${'request'.padEnd(w)}  ${'n'.padStart(7)}      p50      p95      p99      max   (ms)`);
  for (const [name, s] of rows)
    console.log(
      `  ${name.padEnd(w)}  ${String(s.n).padStart(7)} ${ms(s.p50)} ${ms(s.p95)} ${ms(s.p99)} ${ms(s.max)}`,
    );
}

export const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

/** What the figures were measured on, including the filesystem under the data directory. */
export function machine(dataDir: string) {
  let filesystem = 'unknown';
  try {
    filesystem = execFileSync('findmnt', ['-n', '-o', 'SOURCE,FSTYPE,OPTIONS', '-T', dataDir], {
      encoding: 'utf8',
    }).trim();
  } catch {
    // findmnt is Linux-only; the rest of the description still helps.
  }
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    dataDir,
    filesystem,
    loadAverage: load(),
  };
}

/** Other work on the machine skews every figure; the 1/5/15-minute load averages say how much there was. */
export const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
