// Every feature's projection. A new feature adds its own here, one line; the Recorder, the start-up
// rebuild and `verify --rebuild` all read this list (ADR 0008).
import { Projections } from '../store/projection.ts';
import { calendarProjection } from './calendar/calendar.projection.ts';
import { changesProjection } from './changes/changes.projection.ts';
import { followUpsProjection } from './follow-ups/follow-ups.projection.ts';
import { gateProjection } from './gate/gate.projection.ts';
import { identityProjection } from './identity/identity.projection.ts';
import { ledgerProjection } from './ledger/ledger.projection.ts';
import { policyProjection } from './policy/policy.projection.ts';
import { servicesProjection } from './services/services.projection.ts';

export const PROJECTION_LIST = [
  changesProjection,
  servicesProjection,
  identityProjection,
  policyProjection,
  ledgerProjection,
  followUpsProjection,
  calendarProjection,
  gateProjection,
];

export const PROJECTIONS = new Projections(PROJECTION_LIST);
