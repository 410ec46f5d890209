// The raise form's state as the API's create body, and a template's defaults filling it in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentFrom, draftFrom, editFrom, EMPTY_FORM, type RaiseForm } from '../../web/src/raise/draft.ts';
import { approvedFor, prefill, templatesFor, type Template } from '../../web/src/raise/templates.ts';

const form = (over: Partial<RaiseForm>): RaiseForm => ({ ...EMPTY_FORM, ...over });

const SCALE: Template = {
  id: 'scale-replicas',
  title: 'Scale service replicas',
  description: 'Change the replica count of a stateless service.',
  services: ['web-frontend', 'api-gateway'],
  maxRisk: 'medium',
  defaults: {
    implementationPlan: 'Update the replica count.',
    rollbackPlan: {
      method: 'Revert the commit.',
      expectedMinutes: 5,
      triggers: 'Errors',
      backupConfirmed: false,
    },
    testPlan: 'Watch the dashboard.',
  },
};
const ANY: Template = { ...SCALE, id: 'tls', title: 'Renew TLS', services: [], maxRisk: 'low', defaults: {} };

describe('the draft sent to the API', () => {
  it('leaves blank fields out and trims the rest', () => {
    assert.deepEqual(
      draftFrom(form({ title: '  Upgrade  ', services: ['db'], reason: ' ', description: ' x ' })),
      {
        title: 'Upgrade',
        type: 'normal',
        services: ['db'],
        description: 'x',
      },
    );
  });

  it('sends a rollback plan once any part is written, minutes as a number', () => {
    const body = draftFrom(form({ title: 'T', rollbackMinutes: '15' }));
    assert.deepEqual(body.rollbackPlan, {
      method: '',
      expectedMinutes: 15,
      triggers: '',
      backupConfirmed: false,
    });
    assert.equal(draftFrom(form({ title: 'T', backupConfirmed: true })).rollbackPlan?.backupConfirmed, true);
    assert.equal('rollbackPlan' in draftFrom(form({ title: 'T' })), false);
    // Not a number is passed on for the API to refuse next to the field, never silently dropped.
    assert.ok(
      Number.isNaN(draftFrom(form({ title: 'T', rollbackMinutes: 'soon' })).rollbackPlan?.expectedMinutes),
    );
  });

  it('sends test evidence, answered questions only, and emergency fields only for emergencies', () => {
    const f = form({
      title: 'T',
      testEnvironment: 'staging',
      answers: { personalData: true, irreversible: false },
      emergencyCriterion: 'data-loss',
      emergencyJustification: 'Disk failing',
    });
    const normal = draftFrom(f);
    assert.deepEqual(normal.testEvidence, { environment: 'staging', results: '' });
    assert.deepEqual(normal.riskAnswers, { personalData: true, irreversible: false });
    assert.equal('emergencyCriterion' in normal, false);
    assert.equal('testDataMasked' in normal, false);
    assert.equal(draftFrom({ ...f, testDataMasked: true }).testDataMasked, true);
    const emergency = draftFrom({ ...f, type: 'emergency' });
    assert.equal(emergency.emergencyCriterion, 'data-loss');
    assert.equal(emergency.emergencyJustification, 'Disk failing');
  });

  it('names the template only for a standard change, and an edit carries no type or template', () => {
    const f = form({ title: 'T', template: 'tls' });
    assert.equal(draftFrom(f).template, undefined);
    assert.equal(draftFrom({ ...f, type: 'standard' }).template, 'tls');
    const content = contentFrom({ ...f, type: 'standard' });
    assert.equal('type' in content || 'template' in content, false);
  });

  it("sends a standard change's window as instants of the browser's zone, half a window as typed", () => {
    process.env.TZ = 'Europe/Berlin';
    const f = form({
      title: 'T',
      type: 'standard',
      windowStart: '2026-12-01T22:00',
      windowEnd: '2026-12-01T23:30',
    });
    assert.deepEqual(draftFrom(f).window, {
      start: '2026-12-01T21:00:00.000Z',
      end: '2026-12-01T22:30:00.000Z',
    });
    assert.equal(draftFrom({ ...f, type: 'normal' }).window, undefined, 'only a standard change takes one');
    assert.equal(draftFrom({ ...f, windowStart: '', windowEnd: '' }).window, undefined);
    assert.deepEqual(draftFrom({ ...f, windowEnd: '' }).window, {
      start: '2026-12-01T21:00:00.000Z',
      end: '',
    });
  });
});

describe('the edit of a saved draft', () => {
  it('sends what the form has emptied as empty, and keeps what it holds', () => {
    const edit = editFrom(form({ title: 'T', services: ['db'], description: 'kept' }));
    assert.equal(edit.description, 'kept');
    assert.equal(edit.reason, '');
    assert.equal(edit.rollbackPlan, null);
    assert.equal(edit.testEvidence, null);
    assert.equal(edit.implementer, null);
    assert.deepEqual(edit.riskAnswers, {});
    assert.equal('emergencyCriterion' in edit, false, 'emergency fields only on emergencies');
    const emergency = editFrom(form({ title: 'T', type: 'emergency', emergencyCriterion: 'data-loss' }));
    assert.equal(emergency.emergencyCriterion, 'data-loss');
    assert.equal(emergency.emergencyJustification, '');
  });
});

describe('standard change templates', () => {
  it('offers only templates covering every chosen service', () => {
    assert.deepEqual(
      templatesFor([SCALE, ANY], ['web-frontend']).map((t) => t.id),
      ['scale-replicas', 'tls'],
    );
    assert.deepEqual(
      templatesFor([SCALE, ANY], ['web-frontend', 'payments-api']).map((t) => t.id),
      ['tls'],
    );
  });

  it('fills in the defaults and keeps a title already written', () => {
    const filled = prefill(form({ title: '' }), SCALE);
    assert.equal(filled.template, 'scale-replicas');
    assert.equal(filled.title, 'Scale service replicas');
    assert.equal(filled.implementationPlan, 'Update the replica count.');
    assert.equal(filled.rollbackMinutes, '5');
    assert.equal(filled.rollbackMethod, 'Revert the commit.');
    assert.equal(prefill(form({ title: 'Mine', testPlan: 'kept' }), ANY).title, 'Mine');
    assert.equal(prefill(form({ testPlan: 'kept' }), ANY).testPlan, 'kept');
  });

  it('says what a template was approved for', () => {
    assert.match(approvedFor(SCALE), /Approved for web-frontend, api-gateway, at most medium risk\.$/);
    assert.match(approvedFor(ANY), /Approved for any service, at most low risk\.$/);
  });
});
