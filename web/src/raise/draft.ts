// The raise-a-change form's state, and that state as the API's create body: blank fields left out, a
// rollback plan or test evidence only once one of its parts is written, risk answers only where answered.
import type { CreateChangeInput } from '../../../src/client/api-client.ts';
import { fromLocalInput } from '../app/local-time.ts';

/** Normal, standard or emergency: what a requester may raise. */
export type RequestedChangeType = NonNullable<CreateChangeInput['type']>;

export interface RaiseForm {
  title: string;
  type: RequestedChangeType;
  template: string;
  /** A standard change's window, as datetime-local values in the browser's zone; both blank for none. */
  windowStart: string;
  windowEnd: string;
  services: string[];
  /** Risk question id → yes (true) or no (false); an unanswered question is absent. */
  answers: Record<string, boolean>;
  description: string;
  reason: string;
  implementationPlan: string;
  testPlan: string;
  rollbackMethod: string;
  rollbackMinutes: string;
  rollbackTriggers: string;
  backupConfirmed: boolean;
  testEnvironment: string;
  testResults: string;
  /** No unmasked personal data was used for testing. */
  testDataMasked: boolean;
  implementer: string;
  emergencyCriterion: string;
  emergencyJustification: string;
}

export const EMPTY_FORM: RaiseForm = {
  title: '',
  type: 'normal',
  template: '',
  windowStart: '',
  windowEnd: '',
  services: [],
  answers: {},
  description: '',
  reason: '',
  implementationPlan: '',
  testPlan: '',
  rollbackMethod: '',
  rollbackMinutes: '',
  rollbackTriggers: '',
  backupConfirmed: false,
  testEnvironment: '',
  testResults: '',
  testDataMasked: false,
  implementer: '',
  emergencyCriterion: '',
  emergencyJustification: '',
};

const TEXTS = ['description', 'reason', 'implementationPlan', 'testPlan'] as const;

/** The content fields of the form (what an edit of a saved draft may send). */
export function contentFrom(f: RaiseForm): Omit<CreateChangeInput, 'type' | 'template' | 'window'> {
  const body: Omit<CreateChangeInput, 'type' | 'template' | 'window'> = {
    title: f.title.trim(),
    services: f.services,
  };
  for (const key of TEXTS) {
    const value = f[key].trim();
    if (value) body[key] = value;
  }
  if (Object.keys(f.answers).length > 0) body.riskAnswers = { ...f.answers };
  const rollback = [f.rollbackMethod, f.rollbackMinutes, f.rollbackTriggers].some((v) => v.trim() !== '');
  if (rollback || f.backupConfirmed)
    body.rollbackPlan = {
      method: f.rollbackMethod.trim(),
      // Not a whole number is sent as such, for the API to say so next to the field.
      expectedMinutes: f.rollbackMinutes.trim() === '' ? 0 : Number(f.rollbackMinutes),
      triggers: f.rollbackTriggers.trim(),
      backupConfirmed: f.backupConfirmed,
    };
  if (f.testEnvironment.trim() || f.testResults.trim())
    body.testEvidence = { environment: f.testEnvironment.trim(), results: f.testResults.trim() };
  if (f.testDataMasked) body.testDataMasked = true;
  const implementer = f.implementer.trim();
  if (implementer) body.implementer = implementer;
  if (f.type === 'emergency') {
    if (f.emergencyCriterion) body.emergencyCriterion = f.emergencyCriterion;
    const why = f.emergencyJustification.trim();
    if (why) body.emergencyJustification = why;
  }
  return body;
}

/**
 * The edit of a saved draft: the content, with what the form has emptied since sent as empty, so that a
 * rollback plan removed from the form is removed from the draft too.
 */
export function editFrom(f: RaiseForm): Omit<CreateChangeInput, 'type' | 'template' | 'window'> {
  const cleared: Omit<CreateChangeInput, 'type' | 'template' | 'window' | 'title'> = {
    description: '',
    reason: '',
    implementationPlan: '',
    testPlan: '',
    riskAnswers: {},
    rollbackPlan: null,
    testEvidence: null,
    testDataMasked: null,
    implementer: null,
    ...(f.type === 'emergency' ? { emergencyCriterion: null, emergencyJustification: '' } : {}),
  };
  return { ...cleared, ...contentFrom(f) };
}

/** The create body: the content, its type, and a standard change's template and window. */
export function draftFrom(f: RaiseForm): CreateChangeInput {
  const body: CreateChangeInput = { ...contentFrom(f), type: f.type };
  if (f.type === 'standard' && f.template) body.template = f.template;
  if (f.type === 'standard' && (f.windowStart || f.windowEnd))
    // A half-given window goes as typed, for the API to say which end is missing next to it.
    body.window = {
      start: fromLocalInput(f.windowStart) ?? f.windowStart,
      end: fromLocalInput(f.windowEnd) ?? f.windowEnd,
    };
  return body;
}
