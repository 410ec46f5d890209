// The service catalogue: registration and updates are ledger events like everything else.
import { AppError } from '../../contracts/errors.ts';
import type { CreateServiceBody, UpdateServiceBody } from '../../contracts/services.ts';
import type { Actor } from '../../domain/actor.ts';
import { serviceAttributes, type Service } from '../../domain/service.ts';
import type { Deps } from '../deps.ts';
import { assertMay } from '../identity/access.ts';

export class ServicesService {
  private readonly deps: Deps;

  constructor(deps: Deps) {
    this.deps = deps;
  }

  async get(name: string): Promise<Service> {
    const row = await this.deps.store.db
      .selectFrom('services')
      .select('doc')
      .where('name', '=', name)
      .executeTakeFirst();
    if (!row)
      throw new AppError('not_found', `no service named ${name}; register it first (POST /api/v1/services)`);
    return JSON.parse(row.doc) as Service;
  }

  async list(): Promise<Service[]> {
    const rows = await this.deps.store.db.selectFrom('services').select('doc').orderBy('name').execute();
    return rows.map((r) => JSON.parse(r.doc) as Service);
  }

  /** The named services, in order; names that are not registered are an error listing them. */
  async many(names: string[]): Promise<Service[]> {
    if (names.length === 0) return [];
    const rows = await this.deps.store.db
      .selectFrom('services')
      .select('doc')
      .where('name', 'in', names)
      .execute();
    const found = new Map(
      rows.map((r) => {
        const service = JSON.parse(r.doc) as Service;
        return [service.name, service];
      }),
    );
    const unknown = names.filter((n) => !found.has(n));
    if (unknown.length > 0)
      throw new AppError(
        'validation_failed',
        `unknown services: ${unknown.join(', ')}; register them first`,
        [{ path: 'services', message: `not registered: ${unknown.join(', ')}` }],
      );
    return names.map((n) => found.get(n)!);
  }

  async register(actor: Actor, body: CreateServiceBody): Promise<Service> {
    assertMay(actor, 'service.register');
    const { name, ...rest } = body;
    const attributes = serviceAttributes(rest.environment, rest);
    return this.deps.commands.execute(actor, async ({ at }) => {
      const exists = await this.deps.store.db
        .selectFrom('services')
        .select('name')
        .where('name', '=', name)
        .executeTakeFirst();
      if (exists)
        throw new AppError('conflict', `a service named ${name} already exists; PATCH it to change it`);
      await this.many(attributes.dependencies);
      await this.deps.record(actor, at, [
        { subject: `service:${name}`, event: { type: 'service.registered', data: { name, attributes } } },
      ]);
      return this.get(name);
    });
  }

  async update(actor: Actor, name: string, fields: UpdateServiceBody): Promise<Service> {
    assertMay(actor, 'service.update');
    return this.deps.commands.execute(actor, async ({ at }) => {
      await this.get(name);
      if (fields.dependencies) {
        if (fields.dependencies.includes(name))
          throw new AppError('validation_failed', 'a service cannot depend on itself');
        await this.many(fields.dependencies);
      }
      await this.deps.record(actor, at, [
        { subject: `service:${name}`, event: { type: 'service.updated', data: { fields } } },
      ]);
      return this.get(name);
    });
  }
}
