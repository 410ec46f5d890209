// Seeded randomness for the durability suites, so the kill points and pauses of a failing run can be
// replayed: every run prints its seed, and DURABILITY_SEED=<seed> repeats it. The operating system's
// scheduling still varies between runs; the schedule the suite asks for does not.
export const SEED = Number(process.env.DURABILITY_SEED ?? Math.floor(Math.random() * 2 ** 31));
if (!Number.isSafeInteger(SEED))
  throw new Error(`DURABILITY_SEED must be a whole number, not ${process.env.DURABILITY_SEED}`);
process.stdout.write(`# durability seed ${SEED} (replay with DURABILITY_SEED=${SEED})\n`);

let state = SEED >>> 0;

/** A number in [0, 1) from mulberry32, a small well-known 32-bit generator; ample for timing jitter. */
export function random(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}
