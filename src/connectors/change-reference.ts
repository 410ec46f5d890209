// Finding the change a deployment claims, in the places a forge lets people write it. The first place that
// names one wins, in the order the connector gives, so the order is a documented promise.

const CHANGE = /\bCHG-(\d{1,12})\b/i;

/** `chg-12` or `CHG-12` anywhere in `text` → `CHG-12`; null when there is none. */
export function changeIn(text: unknown): string | null {
  if (typeof text !== 'string') return null;
  const m = CHANGE.exec(text);
  return m ? `CHG-${Number(m[1])}` : null;
}

export interface Found {
  change: string;
  /** Where it was found, for the record and the comment: `deployment payload`, `ref`, … */
  where: string;
}

/** The first candidate naming a change. A candidate's text may be fetched lazily (a commit message). */
export async function firstChange(
  candidates: readonly { where: string; text: () => unknown }[],
): Promise<Found | null> {
  for (const c of candidates) {
    const change = changeIn(await c.text());
    if (change) return { change, where: c.where };
  }
  return null;
}
