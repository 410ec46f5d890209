// A service in the catalogue: enough for risk rules to read and, later, for the gate and reconciliation.

import type { Criticality, Environment } from './vocabulary.ts';

export { CRITICALITIES, ENVIRONMENTS, type Criticality, type Environment } from './vocabulary.ts';

export interface ServiceAttributes {
  description: string;
  environment: Environment;
  owners: { technical: string; business: string };
  /** The team that runs it; rules read it to see a change that crosses teams. */
  team: string;
  internetFacing: boolean;
  /** Classes of data it holds or processes, e.g. personal, payment, health, confidential. */
  dataClasses: string[];
  securityControl: boolean;
  criticality: Criticality;
  supplier: string | null;
  doraCriticalFunction: boolean;
  nis2Service: boolean;
  dependencies: string[];
  continuityPlanRef: string | null;
}

export interface Service extends ServiceAttributes {
  name: string;
  createdAt: string;
  updatedAt: string;
  /** When it was retired: no new change may target it; its history stays. */
  retiredAt: string | null;
  retirementReason: string;
}

/** A stored service record, with the fields added after release at their defaults. */
export function readService(doc: string): Service {
  return {
    team: '',
    retiredAt: null,
    retirementReason: '',
    ...(JSON.parse(doc) as Partial<Service>),
  } as Service;
}

/** The refusal of a change that would target retired services, or null when none of `services` is retired. */
export function retiredRefusal(services: Service[]): { code: string; message: string } | null {
  const retired = services.filter((s) => s.retiredAt !== null).map((s) => s.name);
  if (retired.length === 0) return null;
  return {
    code: 'service_retired',
    message: `retired services cannot be changed: ${retired.join(', ')}; target the services that replaced them`,
  };
}

/** How far the dependency graph is followed from the affected services, in each direction. */
export const GRAPH_DEPTH = 5;

/**
 * What the affected services depend on (`upstream`) and what depends on them (`downstream`), transitively
 * up to `GRAPH_DEPTH` steps, each service once, nearest first; the affected services themselves are left out.
 */
export function serviceGraph(
  affected: string[],
  catalogue: Service[],
  depth = GRAPH_DEPTH,
): { upstream: Service[]; downstream: Service[] } {
  const byName = new Map(catalogue.map((s) => [s.name, s]));
  const dependents = new Map<string, string[]>();
  for (const s of catalogue)
    for (const d of s.dependencies) dependents.set(d, [...(dependents.get(d) ?? []), s.name]);
  const walk = (next: (name: string) => string[]): Service[] => {
    const seen = new Set(affected);
    const found: Service[] = [];
    let frontier = affected;
    for (let step = 0; step < depth && frontier.length > 0; step++) {
      const following: string[] = [];
      for (const name of frontier)
        for (const n of next(name)) {
          if (seen.has(n)) continue;
          seen.add(n);
          const service = byName.get(n);
          if (service) found.push(service);
          following.push(n);
        }
      frontier = following;
    }
    return found;
  };
  return {
    upstream: walk((n) => byName.get(n)?.dependencies ?? []),
    downstream: walk((n) => dependents.get(n) ?? []),
  };
}

/** A service's attributes with the least alarming value wherever the caller says nothing. */
export function serviceAttributes(
  environment: Environment,
  given: Partial<ServiceAttributes> = {},
): ServiceAttributes {
  return {
    description: '',
    owners: { technical: '', business: '' },
    team: '',
    internetFacing: false,
    dataClasses: [],
    securityControl: false,
    criticality: 'medium',
    supplier: null,
    doraCriticalFunction: false,
    nis2Service: false,
    dependencies: [],
    continuityPlanRef: null,
    ...given,
    environment,
  };
}
