// The service catalogue as stored in the projection: reads only.
import type { Service } from '../../domain/service.ts';
import type { Store } from '../../store/database.ts';

export class ServicesReadModel {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  async find(name: string): Promise<Service | null> {
    const row = await this.store.db
      .selectFrom('services')
      .select('doc')
      .where('name', '=', name)
      .executeTakeFirst();
    return row ? (JSON.parse(row.doc) as Service) : null;
  }

  async list(): Promise<Service[]> {
    const rows = await this.store.db.selectFrom('services').select('doc').orderBy('name').execute();
    return rows.map((r) => JSON.parse(r.doc) as Service);
  }

  /** The registered services among `names`, in no particular order. */
  async findMany(names: string[]): Promise<Service[]> {
    if (names.length === 0) return [];
    const rows = await this.store.db
      .selectFrom('services')
      .select('doc')
      .where('name', 'in', names)
      .execute();
    return rows.map((r) => JSON.parse(r.doc) as Service);
  }
}
