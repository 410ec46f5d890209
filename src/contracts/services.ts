import { z } from 'zod';
import { Name } from './common.ts';
import { CRITICALITIES, ENVIRONMENTS } from '../domain/vocabulary.ts';

export const EnvironmentEnum = z.enum(ENVIRONMENTS);
export const CriticalityEnum = z.enum(CRITICALITIES);

const Attributes = z.strictObject({
  description: z.string().max(5_000),
  environment: EnvironmentEnum,
  owners: z.strictObject({ technical: z.string().max(200), business: z.string().max(200) }),
  team: z
    .string()
    .max(200)
    .describe('The team that runs it; risk rules read it (e.g. a change across teams)'),
  internetFacing: z.boolean(),
  dataClasses: z
    .array(z.string().min(1).max(64))
    .max(50)
    .describe('e.g. personal, payment, health, confidential'),
  securityControl: z.boolean().describe('Firewall, authentication, logging, backup and the like'),
  criticality: CriticalityEnum,
  supplier: z.string().max(200).nullable(),
  doraCriticalFunction: z.boolean(),
  nis2Service: z.boolean(),
  dependencies: z.array(Name).max(200),
  continuityPlanRef: z.string().max(500).nullable(),
});

/** Only the name and environment are required; the rest defaults to the least alarming value. */
export const CreateServiceBody = Attributes.partial()
  .extend({ name: Name, environment: Attributes.shape.environment })
  .strict();
export type CreateServiceBody = z.infer<typeof CreateServiceBody>;

export const UpdateServiceBody = Attributes.partial().refine((b) => Object.keys(b).length > 0, {
  message: 'send at least one field to change',
});
export type UpdateServiceBody = z.infer<typeof UpdateServiceBody>;

export const ServiceView = z
  .object({
    name: z.string(),
    description: z.string(),
    environment: EnvironmentEnum,
    owners: z.object({ technical: z.string(), business: z.string() }),
    team: z.string(),
    internetFacing: z.boolean(),
    dataClasses: z.array(z.string()),
    securityControl: z.boolean(),
    criticality: CriticalityEnum,
    supplier: z.string().nullable(),
    doraCriticalFunction: z.boolean(),
    nis2Service: z.boolean(),
    dependencies: z.array(z.string()),
    continuityPlanRef: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    retiredAt: z.string().nullable().describe('When it was retired; null while in service'),
    retirementReason: z.string(),
  })
  .meta({ id: 'Service' });
export const ServiceList = z.object({ items: z.array(ServiceView) });
export const ServiceNameParam = z.object({ name: Name });
export const RetireServiceBody = z.strictObject({
  reason: z.string().trim().min(1, 'say why the service is retired').max(2_000),
});
export type RetireServiceBody = z.infer<typeof RetireServiceBody>;
