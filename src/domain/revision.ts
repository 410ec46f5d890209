// The revision hash binds an approval to exactly the content that was approved: SHA-256 over the RFC 8785
// canonical JSON of the requester-written fields. Any edit yields a new hash, so old approvals no longer match.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { contentOf, type ChangeContent } from './change.ts';

export function revisionHash(content: ChangeContent): string {
  const text = canonicalize(contentOf(content));
  if (text === undefined) throw new Error('change content is not serialisable');
  return createHash('sha256').update(text).digest('hex');
}
