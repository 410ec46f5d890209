// The composition root: builds every repository and use-case once, from the store and the clock.
import { IdentityService, type IdentitySettings } from './modules/identity/identity.service.ts';
import { ChangesService } from './modules/changes/changes.service.ts';
import { CommandRunner } from './modules/commands/command-runner.ts';
import { PolicyService } from './modules/policy/policy.service.ts';
import { ServicesService } from './modules/services/services.service.ts';
import type { Deps } from './modules/deps.ts';
import { CheckpointService } from './modules/ledger/checkpoints.service.ts';
import type { LedgerKey } from './modules/ledger/ledger-key.ts';
import { LedgerReadModel } from './modules/ledger/ledger.read-model.ts';
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
  checkpoints: CheckpointService;
  ledger: LedgerReadModel;
}

export function createContainer(
  store: Store,
  ledger: LedgerSetup,
  now: () => Date = () => new Date(),
  settings: ContainerSettings = {},
): Container {
  const recorder = new Recorder(store);
  const commands = new CommandRunner(store, now, settings.idempotencyHours);
  const deps: Deps = { store, commands, record: recorder.record.bind(recorder), now };
  const services = new ServicesService(deps);
  const policies = new PolicyService(deps);
  return {
    deps,
    store,
    commands,
    identity: new IdentityService(deps, settings),
    services,
    policies,
    changes: new ChangesService(deps, policies, services),
    checkpoints: new CheckpointService(deps, ledger.key, ledger.state, ledger.witnesses ?? []),
    ledger: new LedgerReadModel(store),
  };
}
