// `changeproof services …`: the service catalogue that risk rules read (exposure, data, criticality, ...).
import { Option, type Command } from 'commander';
import type { ServiceView } from '../client.ts';
import { choice, clientCommand, CRITICALITIES, ctx, ENVIRONMENTS, given, many } from '../options.ts';
import { emit, serviceBlock, servicesTable } from '../output.ts';

interface AttributeOpts {
  env?: ServiceView['environment'];
  description?: string;
  internetFacing?: boolean;
  dataClass?: string[];
  securityControl?: boolean;
  criticality?: ServiceView['criticality'];
  supplier?: string;
  dependsOn?: string[];
  ownerTechnical?: string;
  ownerBusiness?: string;
  doraCritical?: boolean;
  nis2?: boolean;
  continuityPlan?: string;
}

const FLAGS: [string, string][] = [
  ['internet-facing', 'reachable from the internet'],
  ['security-control', 'a security control (firewall, authentication, logging, backup, ...)'],
  ['dora-critical', 'supports a DORA critical or important function'],
  ['nis2', 'an NIS2 service'],
];

function attributeOptions(cmd: Command, update: boolean): Command {
  cmd
    .addOption(
      update
        ? choice('--env <environment>', 'environment', ENVIRONMENTS)
        : choice('--env <environment>', 'environment', ENVIRONMENTS).makeOptionMandatory(),
    )
    .option('--description <text>', 'what the service is')
    .option(
      '--data-class <class>',
      'data it holds, e.g. personal, payment (repeatable or comma-separated)',
      many(),
    )
    .addOption(choice('--criticality <level>', 'business criticality (default low)', CRITICALITIES))
    .option('--supplier <name>', 'the supplier it depends on')
    .option('--depends-on <service>', 'a service it depends on (repeatable or comma-separated)', many())
    .option('--owner-technical <who>', 'technical owner')
    .option('--owner-business <who>', 'business owner')
    .option('--continuity-plan <ref>', 'reference to its continuity plan');
  for (const [flag, help] of FLAGS) {
    cmd.option(`--${flag}`, help);
    if (update) cmd.addOption(new Option(`--no-${flag}`, `not ${help.replace(/^an? /, '')}`));
  }
  return cmd;
}

function attributes(o: AttributeOpts) {
  return given({
    environment: o.env,
    description: o.description,
    internetFacing: o.internetFacing,
    dataClasses: o.dataClass,
    securityControl: o.securityControl,
    criticality: o.criticality,
    supplier: o.supplier,
    dependencies: o.dependsOn,
    doraCriticalFunction: o.doraCritical,
    nis2Service: o.nis2,
    continuityPlanRef: o.continuityPlan,
  });
}

export function servicesCommands(program: Command): void {
  const services = program
    .command('services')
    .description('Register and read the services changes affect (risk rules read their attributes)')
    .addHelpText(
      'after',
      `
Example:
  changeproof services add payments-api --env prod --internet-facing --data-class personal,payment \\
    --criticality critical --owner-technical "Platform team" --owner-business "Payments"`,
    );

  attributeOptions(clientCommand(services, 'add <name>', 'Register a service'), false).action(
    async (name: string, o: AttributeOpts, cmd: Command) => {
      const c = ctx(cmd);
      const owners =
        o.ownerTechnical !== undefined || o.ownerBusiness !== undefined
          ? { owners: { technical: o.ownerTechnical ?? '', business: o.ownerBusiness ?? '' } }
          : {};
      const body = { name, environment: o.env!, ...attributes(o), ...owners };
      emit(c, await c.client.services.create(body), serviceBlock);
    },
  );

  clientCommand(services, 'list', 'The service catalogue').action(async (_o, cmd: Command) => {
    const c = ctx(cmd);
    emit(c, await c.client.services.list(), (l) => servicesTable(l.items));
  });

  clientCommand(services, 'show <name>', 'One service').action(async (name: string, _o, cmd: Command) => {
    const c = ctx(cmd);
    emit(c, await c.client.services.get(name), serviceBlock);
  });

  attributeOptions(
    clientCommand(services, 'update <name>', "Change a service's attributes (only those given)"),
    true,
  ).action(async (name: string, o: AttributeOpts, cmd: Command) => {
    const c = ctx(cmd);
    let owners = {};
    if (o.ownerTechnical !== undefined || o.ownerBusiness !== undefined) {
      // The API sets both owners at once; keep the one not given.
      const current = (await c.client.services.get(name)).owners;
      owners = {
        owners: {
          technical: o.ownerTechnical ?? current.technical,
          business: o.ownerBusiness ?? current.business,
        },
      };
    }
    emit(c, await c.client.services.update(name, { ...attributes(o), ...owners }), serviceBlock);
  });
}
