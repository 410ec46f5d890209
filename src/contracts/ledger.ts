import { z } from 'zod';
import { LedgerEvent } from './events.ts';

/** The exact bytes that were hashed: RFC 8785 JSON of a ledger event, described for generators and readers. */
const EntryText = z.string().meta({
  description: 'The exact RFC 8785 JSON text that was hashed: a LedgerEvent',
  contentMediaType: 'application/json',
  contentSchema: { $ref: `#/components/schemas/${LedgerEvent.meta()?.id}` },
});

export const CheckpointView = z
  .object({
    id: z.number(),
    size: z.number().describe('Number of entries the checkpoint covers'),
    rootHash: z.string().describe('Base64 RFC 6962 root hash'),
    keyId: z.string(),
    issuedAt: z.string(),
    reason: z.string(),
    note: z
      .string()
      .describe('C2SP signed note: tlog-checkpoint body, the log signature, witness cosignatures'),
    cosignatures: z.array(z.object({ witness: z.string(), keyId: z.string(), signedAt: z.number() })),
  })
  .meta({ id: 'Checkpoint' });
export const CheckpointList = z.object({ items: z.array(CheckpointView) });

export const LedgerKeyView = z.object({
  origin: z.string(),
  verifierKey: z.string().describe('name+keyid+base64 verifier key for `changeproof verify --key`'),
  witnesses: z.array(z.string()),
});

export const EntriesQuery = z.strictObject({
  start: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export const LedgerEntry = z.object({
  index: z.number(),
  leafHash: z.string().describe('Base64 RFC 6962 leaf hash of the entry bytes'),
  entry: EntryText,
});
export const EntriesView = z.object({ items: z.array(LedgerEntry), size: z.number() });

export const InclusionQuery = z.strictObject({
  index: z.coerce.number().int().min(0).optional(),
  eventId: z.string().uuid().optional(),
  size: z.coerce.number().int().min(1).optional().describe('Tree size; default: the latest checkpoint'),
});
export const InclusionView = z.object({
  index: z.number(),
  size: z.number(),
  leafHash: z.string(),
  proof: z.array(z.string()).describe('Base64 hashes, RFC 9162 inclusion proof'),
  entry: EntryText,
  checkpoint: CheckpointView.nullable().describe('The checkpoint of this size, when one was signed'),
});
export const ConsistencyQuery = z.strictObject({
  from: z.coerce.number().int().min(1),
  to: z.coerce.number().int().min(1).optional().describe('default: the latest checkpoint'),
});
export const ConsistencyView = z.object({ from: z.number(), to: z.number(), proof: z.array(z.string()) });
export const CosignBody = z.strictObject({
  signature: z
    .string()
    .min(1)
    .max(1000)
    .describe('A tlog-cosignature/v1 signature line: "— <name> <base64>"'),
});
