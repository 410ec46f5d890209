// Deadlines are minutes after an instant, in ISO 8601 UTC, as the policy states them.
export function addMinutes(iso: string, minutes: number): string {
  return new Date(Date.parse(iso) + minutes * 60_000).toISOString();
}
