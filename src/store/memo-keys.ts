// Keys of what a write batch remembers between its units (Store.memoGet). The projection that
// writes these tables forgets or replaces an entry whenever it writes the row behind it.
export const memoKeys = {
  /** The newest policy's version and hash. */
  policy: 'policy.newest',
  /** A service's stored record (its `doc`). */
  service: (name: string) => `service:${name}`,
  /** Every service's stored record, in name order (risk rules that follow the dependency graph read it). */
  catalogue: 'services.all',
  /** The sequence number of the newest service event (the gate's stamp of the catalogue). */
  catalogueRevision: 'catalogue.revision',
  /** A change's projected row. */
  change: (id: string) => `change:${id}`,
};
