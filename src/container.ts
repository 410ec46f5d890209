// The composition root: builds every repository, read model and use-case once, from the store and the
// clock, and hands each use-case only the collaborators it declares.
import { IdentityService, type IdentitySettings } from './modules/identity/identity.service.ts';
import { ChangesService } from './modules/changes/changes.service.ts';
import { CalendarService } from './modules/calendar/calendar.service.ts';
import { CalendarReadModel } from './modules/calendar/calendar.read-model.ts';
import { CalendarRepository } from './modules/calendar/calendar.repository.ts';
import { HomeReadModel } from './modules/changes/home.read-model.ts';
import { ChangesReadModel } from './modules/changes/changes.read-model.ts';
import { LateApprovalsReadModel } from './modules/changes/late-approvals.read-model.ts';
import { FollowUpsReadModel } from './modules/follow-ups/follow-ups.read-model.ts';
import { FollowUpsService } from './modules/follow-ups/follow-ups.service.ts';
import { GateReadModel } from './modules/gate/gate.read-model.ts';
import { GateService } from './modules/gate/gate.service.ts';
import { CommandRunner } from './modules/commands/command-runner.ts';
import { PolicyService } from './modules/policy/policy.service.ts';
import { ServicesService } from './modules/services/services.service.ts';
import { ServicesReadModel } from './modules/services/services.read-model.ts';
import type { Deps } from './modules/deps.ts';
import { PROJECTIONS } from './modules/projections.ts';
import { CheckpointService } from './modules/ledger/checkpoints.service.ts';
import type { LedgerKey } from './modules/ledger/ledger-key.ts';
import { LedgerReadModel } from './modules/ledger/ledger.read-model.ts';
import { DeliveryReadModel } from './modules/notifications/delivery.read-model.ts';
import type { SignedState } from './modules/ledger/signed-state.ts';
import type { Store } from './store/database.ts';
import { Recorder } from './store/recorder.ts';

export interface LedgerSetup {
  key: LedgerKey;
  state: SignedState;
  /** Witness verifier keys whose cosignatures are accepted. */
  witnesses?: string[];
}

export interface ContainerSettings extends IdentitySettings {
  /** How long idempotency records are kept, in hours. */
  idempotencyHours?: number;
}

export interface Container {
  deps: Deps;
  store: Store;
  /** Runs every command: routes, the CLI's local commands, jobs and consumers. */
  commands: CommandRunner;
  identity: IdentityService;
  services: ServicesService;
  policies: PolicyService;
  changes: ChangesService;
  /** Lists and history of changes. */
  changesRead: ChangesReadModel;
  /** The signed-in person's queue and the weekly outcome counts (the web app's home page). */
  home: HomeReadModel;
  checkpoints: CheckpointService;
  ledger: LedgerReadModel;
  delivery: DeliveryReadModel;
  followUps: FollowUpsService;
  followUpsRead: FollowUpsReadModel;
  /** Approvals pending past the policy's SLA. */
  lateApprovals: LateApprovalsReadModel;
  /** Windows, freezes, conflicts, free slots and personal iCalendar feeds. */
  calendar: CalendarService;
  /** The deployment gate, break-glass and deployments: what the API, the CLI and the connectors call. */
  gate: GateService;
  gateRead: GateReadModel;
}

export function createContainer(
  store: Store,
  ledger: LedgerSetup,
  now: () => Date = () => new Date(),
  settings: ContainerSettings = {},
): Container {
  const recorder = new Recorder(store, PROJECTIONS);
  const record = recorder.record.bind(recorder);
  const commands = new CommandRunner(store, now, settings.idempotencyHours);
  const deps: Deps = { store, commands, record, now };
  const services = new ServicesService({ commands, record, catalogue: new ServicesReadModel(store) });
  const policies = new PolicyService(deps);
  const changesRead = new ChangesReadModel(store);
  const followUpsRead = new FollowUpsReadModel(store);
  const followUps = new FollowUpsService({
    commands,
    record,
    items: followUpsRead,
    changes: changesRead,
    policies,
  });
  const calendar = new CalendarService({
    commands,
    record,
    policies,
    catalogue: services,
    read: new CalendarReadModel(store),
    repo: new CalendarRepository(store),
    now,
  });
  const changes = new ChangesService({
    commands,
    record,
    changes: changesRead,
    policies,
    catalogue: services,
    followUps,
    calendar,
  });
  const gateRead = new GateReadModel(store);
  const gate = new GateService({
    commands,
    record,
    changes: changesRead,
    standing: changes,
    catalogue: services,
    policies,
    records: gateRead,
    now,
  });
  return {
    deps,
    store,
    commands,
    identity: new IdentityService(deps, settings),
    services,
    policies,
    changes,
    changesRead,
    home: new HomeReadModel(store),
    checkpoints: new CheckpointService(deps, ledger.key, ledger.state, ledger.witnesses ?? []),
    ledger: new LedgerReadModel(store),
    delivery: new DeliveryReadModel(store, now),
    followUps,
    followUpsRead,
    lateApprovals: new LateApprovalsReadModel(store),
    calendar,
    gate,
    gateRead,
  };
}
