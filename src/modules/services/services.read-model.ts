// The service catalogue as stored in the projection: reads only.
import { readService, type Service } from '../../domain/service.ts';
import type { Store } from '../../store/database.ts';
import { memoKeys } from '../../store/memo-keys.ts';

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
    return row ? readService(row.doc) : null;
  }

  /** Remembered within a write batch, like `findMany` (the services projection forgets it when it writes). */
  async list(): Promise<Service[]> {
    const { store } = this;
    let docs = store.memoGet<string[]>(memoKeys.catalogue);
    if (docs === undefined) {
      docs = (await store.db.selectFrom('services').select('doc').orderBy('name').execute()).map(
        (r) => r.doc,
      );
      store.memoSet(memoKeys.catalogue, docs);
    }
    return docs.map(readService);
  }

  /**
   * The registered services among `names`, in no particular order. Remembered within a write batch (the
   * services projection forgets a service it writes), so later units of the batch need not read them again.
   */
  async findMany(names: string[]): Promise<Service[]> {
    if (names.length === 0) return [];
    const { store } = this;
    const remembered = names.flatMap((n) => store.memoGet<string>(memoKeys.service(n)) ?? []);
    const rest = names.filter((n) => store.memoGet(memoKeys.service(n)) === undefined);
    const docs = [
      ...remembered,
      ...(rest.length === 0
        ? []
        : (await store.db.selectFrom('services').select('doc').where('name', 'in', rest).execute()).map(
            (r) => r.doc,
          )),
    ];
    return docs.map((doc) => {
      const service = readService(doc);
      store.memoSet(memoKeys.service(service.name), doc);
      return service;
    });
  }
}
