// Times on the command line: `now`, a duration from now (`+30m`, `+1h`, `+2d`, `+1w`) or an ISO 8601 instant
// with its zone. Relative times let a scripted or copied command give a window that is open when it runs.
import { InvalidArgumentError } from 'commander';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const EXAMPLES = 'now, +30m, +1h, +2d, +1w or 2026-12-01T22:00:00Z';
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/** The instant `value` names, as ISO 8601 UTC; `now` is when the command runs. */
export function parseTime(value: string, now: Date = new Date()): string {
  const v = value.trim();
  if (v === 'now') return now.toISOString();
  const rel = /^\+(\d{1,6})([mhdw])$/.exec(v);
  if (rel) return new Date(now.getTime() + Number(rel[1]) * UNIT_MS[rel[2]!]!).toISOString();
  if (/^[+-]/.test(v))
    throw new InvalidArgumentError(
      `"${value}" is not a time: a relative time is + then a number and m, h, d or w (e.g. +1h)`,
    );
  const m = ISO.exec(v);
  if (!m)
    throw new InvalidArgumentError(`"${value}" is not a time: give ${EXAMPLES} (an instant needs its zone)`);
  const [, y, mo, d, h, mi, s = '0'] = m;
  // Date.parse rolls 30 February over into March; a date that does not exist is refused instead.
  const fields = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  if (
    fields.getUTCFullYear() !== Number(y) ||
    fields.getUTCMonth() !== Number(mo) - 1 ||
    fields.getUTCDate() !== Number(d) ||
    fields.getUTCHours() !== Number(h) ||
    fields.getUTCMinutes() !== Number(mi) ||
    fields.getUTCSeconds() !== Number(s)
  )
    throw new InvalidArgumentError(`"${value}" is not a time: that date or time of day does not exist`);
  return new Date(Date.parse(v)).toISOString();
}

/** commander parser for a time option. */
export const timeOption = (value: string): string => parseTime(value);
