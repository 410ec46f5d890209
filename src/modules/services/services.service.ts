// The service catalogue: registration and updates are ledger events like everything else.
import { AppError } from '../../contracts/errors.ts';
import type { CreateServiceBody, RetireServiceBody, UpdateServiceBody } from '../../contracts/services.ts';
import type { Actor } from '../../domain/actor.ts';
import { serviceAttributes, type Service } from '../../domain/service.ts';
import type { Commands } from '../commands/command-runner.ts';
import type { RecordEvents } from '../commands/record.ts';
import { assertMay } from '../identity/access.ts';

/** The catalogue as the use-cases read it. */
export interface ServiceCatalogue {
  find(name: string): Promise<Service | null>;
  list(): Promise<Service[]>;
  /** The registered services among `names`, in any order. */
  findMany(names: string[]): Promise<Service[]>;
}

export interface ServicesCollaborators {
  commands: Commands;
  catalogue: ServiceCatalogue;
  record: RecordEvents;
}

export class ServicesService {
  private readonly commands: Commands;
  private readonly catalogue: ServiceCatalogue;
  private readonly record: RecordEvents;

  constructor(c: ServicesCollaborators) {
    this.commands = c.commands;
    this.catalogue = c.catalogue;
    this.record = c.record;
  }

  async get(name: string): Promise<Service> {
    const service = await this.catalogue.find(name);
    if (!service)
      throw new AppError('not_found', `no service named ${name}; register it first (POST /api/v1/services)`);
    return service;
  }

  async list(): Promise<Service[]> {
    return this.catalogue.list();
  }

  /** The named services, in order; names that are not registered are an error listing them. */
  async many(names: string[]): Promise<Service[]> {
    if (names.length === 0) return [];
    const found = new Map((await this.catalogue.findMany(names)).map((s) => [s.name, s]));
    const unknown = names.filter((n) => !found.has(n));
    if (unknown.length > 0)
      throw new AppError(
        'validation_failed',
        `unknown services: ${unknown.join(', ')}; register them first`,
        [{ path: 'services', message: `not registered: ${unknown.join(', ')}` }],
      );
    return names.map((n) => found.get(n)!);
  }

  /** The registered services among `names`, by name; names not registered are left out, not refused. */
  async known(names: string[]): Promise<Record<string, Service>> {
    if (names.length === 0) return {};
    return Object.fromEntries((await this.catalogue.findMany(names)).map((s) => [s.name, s]));
  }

  /** Dependencies must be registered services still in service. */
  private async dependencies(names: string[]): Promise<void> {
    const retired = (await this.many(names)).filter((s) => s.retiredAt !== null).map((s) => s.name);
    if (retired.length > 0)
      throw new AppError(
        'validation_failed',
        `retired services cannot be depended on: ${retired.join(', ')}`,
        [{ path: 'dependencies', message: `retired: ${retired.join(', ')}` }],
      );
  }

  async register(actor: Actor, body: CreateServiceBody): Promise<Service> {
    assertMay(actor, 'service.register');
    const { name, ...rest } = body;
    const attributes = serviceAttributes(rest.environment, rest);
    return this.commands.execute(actor, async ({ at }) => {
      if (await this.catalogue.find(name))
        throw new AppError('conflict', `a service named ${name} already exists; PATCH it to change it`);
      await this.dependencies(attributes.dependencies);
      await this.record(actor, at, [
        { subject: `service:${name}`, event: { type: 'service.registered', data: { name, attributes } } },
      ]);
      return this.get(name);
    });
  }

  async update(actor: Actor, name: string, fields: UpdateServiceBody): Promise<Service> {
    assertMay(actor, 'service.update');
    return this.commands.execute(actor, async ({ at }) => {
      await this.get(name);
      if (fields.dependencies) {
        if (fields.dependencies.includes(name))
          throw new AppError('validation_failed', 'a service cannot depend on itself');
        await this.dependencies(fields.dependencies);
      }
      await this.record(actor, at, [
        { subject: `service:${name}`, event: { type: 'service.updated', data: { fields } } },
      ]);
      return this.get(name);
    });
  }

  /** Retires a service: no new change may target it from now on; it stays in the catalogue with its history. */
  async retire(actor: Actor, name: string, body: RetireServiceBody): Promise<Service> {
    assertMay(actor, 'service.update');
    return this.commands.execute(actor, async ({ at }) => {
      const service = await this.get(name);
      if (service.retiredAt !== null)
        throw new AppError('conflict', `service ${name} was already retired at ${service.retiredAt}`);
      await this.record(actor, at, [
        { subject: `service:${name}`, event: { type: 'service.retired', data: { reason: body.reason } } },
      ]);
      return this.get(name);
    });
  }
}
