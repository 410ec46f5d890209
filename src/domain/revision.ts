// The revision hash binds an approval to exactly the content that was approved: SHA-256 over the RFC 8785
// canonical JSON of the requester-written fields. Any edit yields a new hash, so old approvals no longer match.
// Fields added later are hashed only once they differ from their default, so older revisions hash as before.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { contentOf, LATER_CONTENT, type ChangeContent } from './change.ts';

export function revisionHash(content: ChangeContent): string {
  const hashed: Record<string, unknown> = { ...contentOf(content) };
  for (const [key, initial] of Object.entries(LATER_CONTENT))
    if (hashed[key] === undefined || canonicalize(hashed[key]) === canonicalize(initial)) delete hashed[key];
  const text = canonicalize(hashed);
  if (text === undefined) throw new Error('change content is not serialisable');
  return createHash('sha256').update(text).digest('hex');
}
