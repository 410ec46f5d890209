// A service in the catalogue: enough for risk rules to read and, later, for the gate and reconciliation.

import type { Criticality, Environment } from './vocabulary.ts';

export { CRITICALITIES, ENVIRONMENTS, type Criticality, type Environment } from './vocabulary.ts';

export interface ServiceAttributes {
  description: string;
  environment: Environment;
  owners: { technical: string; business: string };
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
}

/** A service's attributes with the least alarming value wherever the caller says nothing. */
export function serviceAttributes(
  environment: Environment,
  given: Partial<ServiceAttributes> = {},
): ServiceAttributes {
  return {
    description: '',
    owners: { technical: '', business: '' },
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
