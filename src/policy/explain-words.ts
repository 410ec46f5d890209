// The words `explainPolicy` puts policy values in: field names, lists, durations.

// Words for field names the plain split of the camelCase name would not say well.
const FIELD_WORDS: Record<string, string> = {
  riskAnswers: 'answers to the risk questions',
  services: 'affected services',
  links: 'links (pull requests, tickets, …)',
  backupConfirmed: 'confirmation of a current restorable backup',
  testDataMasked: 'confirmation that no unmasked data was used for testing',
  functionalTests: 'a passing functional test result',
  securityTests: 'a passing security test result',
  performanceTests: 'a passing performance test result',
  rollbackTests: 'a passing rollback test result',
  rollbackTested: 'confirmation that the rollback itself was tested',
  maxOutage: 'maximum tolerable outage',
  supplierAccessReview: "review of the supplier's access",
  artifacts: 'the artifacts it ships (sha256 digests the deployment gate lets through)',
};

export const ORIGIN_WORDS: Record<string, string> = {
  internal: 'an internal change',
  supplier: 'a change a supplier starts',
  customer: 'a change a customer asks for',
  automation: 'a change automation raises',
};

/** `rollbackPlan` → `rollback plan`. */
export function fieldWords(field: string): string {
  return FIELD_WORDS[field] ?? field.replace(/([A-Z])/g, ' $1').toLowerCase();
}

/** `a, b and c`. */
export function and(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export function or(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Whole minutes as `2 weeks`, `30 days`, `36 hours`, `90 minutes`, `1 day 30 minutes`. */
export function minutesWords(total: number): string {
  const DAY = 24 * 60;
  if (total > 0 && total % (7 * DAY) === 0) return plural(total / (7 * DAY), 'week');
  if (total >= 2 * DAY && total % DAY === 0) return plural(total / DAY, 'day');
  if (total > 0 && total % 60 === 0) return plural(total / 60, 'hour');
  if (total < DAY) return plural(total, 'minute');
  const rest = total % DAY;
  return `${plural(Math.floor(total / DAY), 'day')} ${rest % 60 ? plural(rest, 'minute') : plural(rest / 60, 'hour')}`;
}
