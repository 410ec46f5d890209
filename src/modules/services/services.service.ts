// The service catalogue: registration and updates are ledger events like everything else.
import { AppError } from '../../contracts/errors.ts';
import type { CreateServiceBody, UpdateServiceBody } from '../../contracts/services.ts';
import type { Actor } from '../../domain/actor.ts';
import { serviceAttributes, type Service } from '../../domain/service.ts';
import { iso, type Deps } from '../deps.ts';
import { memoKeys } from '../../store/memo-keys.ts';

const EDITORS = ['admin', 'change_manager'];

function canEdit(actor: Actor): boolean {
  return (
    actor.roles.some((r) => EDITORS.includes(r)) &&
    (actor.scopes === null || actor.scopes.includes('services:write'))
  );
}

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
    const { store } = this.deps;
    // Remembered within a write batch (the projector forgets a service it writes).
    const remembered = names.flatMap((n) => store.memoGet<string>(memoKeys.service(n)) ?? []);
    const rest = names.filter((n) => store.memoGet(memoKeys.service(n)) === undefined);
    const rows = [
      ...remembered.map((doc) => ({ doc })),
      ...(rest.length === 0
        ? []
        : await store.db.selectFrom('services').select('doc').where('name', 'in', rest).execute()),
    ];
    for (const r of rows) store.memoSet(memoKeys.service((JSON.parse(r.doc) as Service).name), r.doc);
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
    if (!canEdit(actor))
      throw new AppError('forbidden', 'registering services needs the change_manager or admin role');
    const { name, ...rest } = body;
    const attributes = serviceAttributes(rest.environment, rest);
    return this.deps.store.write(async () => {
      const exists = await this.deps.store.db
        .selectFrom('services')
        .select('name')
        .where('name', '=', name)
        .executeTakeFirst();
      if (exists)
        throw new AppError('conflict', `a service named ${name} already exists; PATCH it to change it`);
      await this.many(attributes.dependencies);
      await this.deps.recorder.record(actor, iso(this.deps.now()), [
        { subject: `service:${name}`, event: { type: 'service.registered', data: { name, attributes } } },
      ]);
      return this.get(name);
    });
  }

  async update(actor: Actor, name: string, fields: UpdateServiceBody): Promise<Service> {
    if (!canEdit(actor))
      throw new AppError('forbidden', 'changing services needs the change_manager or admin role');
    return this.deps.store.write(async () => {
      await this.get(name);
      if (fields.dependencies) {
        if (fields.dependencies.includes(name))
          throw new AppError('validation_failed', 'a service cannot depend on itself');
        await this.many(fields.dependencies);
      }
      await this.deps.recorder.record(actor, iso(this.deps.now()), [
        { subject: `service:${name}`, event: { type: 'service.updated', data: { fields } } },
      ]);
      return this.get(name);
    });
  }
}
