// RFC 8785 (JCS) canonical JSON for ledger leaves. Floats are refused: their textual form is the one part
// of JCS that implementations get wrong, and nothing in an event needs one.
import canonicalize from 'canonicalize';

export class NonCanonicalValueError extends Error {
  constructor(path: string, what: string) {
    super(`${path}: ${what} cannot be stored in the ledger`);
    this.name = 'NonCanonicalValueError';
  }
}

function assertPlain(value: unknown, path: string): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new NonCanonicalValueError(path, `the number ${value}`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertPlain(item, `${path}[${i}]`));
    return;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null)
      throw new NonCanonicalValueError(path, 'a non-plain object');
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) throw new NonCanonicalValueError(`${path}.${key}`, 'undefined');
      assertPlain(item, `${path}.${key}`);
    }
    return;
  }
  throw new NonCanonicalValueError(path, `a ${typeof value}`);
}

/** Canonical UTF-8 text of a JSON value; throws on floats, undefined and non-plain objects. */
export function canonicalJson(value: unknown): string {
  assertPlain(value, '$');
  const text = canonicalize(value);
  if (text === undefined) throw new NonCanonicalValueError('$', 'the value');
  return text;
}
