// The change and service use-cases wired to in-memory fakes, as the container wires them to the store.
import { ChangesService } from '../../../src/modules/changes/changes.service.ts';
import { ServicesService } from '../../../src/modules/services/services.service.ts';
import { FakeCommands } from './commands.ts';
import { FakeLedger } from './ledger.ts';
import { FakePolicies } from './policies.ts';

export interface FakeWorld {
  ledger: FakeLedger;
  commands: FakeCommands;
  policies: FakePolicies;
  services: ServicesService;
  changes: ChangesService;
  clock: { now: Date };
}

export function fakeWorld(start = new Date('2026-11-25T10:00:00.000Z')): FakeWorld {
  const clock = { now: start };
  const ledger = new FakeLedger();
  const commands = new FakeCommands(ledger, () => clock.now);
  const policies = new FakePolicies(ledger.record, () => clock.now);
  const services = new ServicesService({ commands, record: ledger.record, catalogue: ledger.catalogue });
  const changes = new ChangesService({
    commands,
    record: ledger.record,
    changes: ledger.changeRecords,
    policies,
    catalogue: services,
  });
  return { ledger, commands, policies, services, changes, clock };
}
