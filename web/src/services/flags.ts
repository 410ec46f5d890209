// What sets a service apart in the catalogue, said in words: regulatory scope, exposure and retirement.
import type { ServiceView } from '../../../src/client/api-client.ts';

export function flags(s: ServiceView): string[] {
  return [
    s.internetFacing && 'internet-facing',
    s.doraCriticalFunction && 'DORA critical function',
    s.nis2Service && 'NIS2',
    s.securityControl && 'security control',
    s.retiredAt && 'retired',
  ].filter((f): f is string => Boolean(f));
}

/** The services whose dependencies name `name`: what breaks if it does. */
export function dependents(all: ServiceView[], name: string): string[] {
  return all
    .filter((s) => s.dependencies.includes(name))
    .map((s) => s.name)
    .sort();
}
