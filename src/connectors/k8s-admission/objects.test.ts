// What the webhook reads from an object: gated kinds, images of every container list, digests that pin an
// image and those that only look like it, and updates that change nothing that runs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { digestOf, gatedKind, imagesOf, isBeingDeleted, runsTheSame } from './objects.ts';

const HEX = 'a'.repeat(64);

describe('admission objects', () => {
  it('gates the seven kinds by group and kind, nothing else', () => {
    const gated = [
      ['apps', 'Deployment'],
      ['apps', 'StatefulSet'],
      ['apps', 'DaemonSet'],
      ['batch', 'Job'],
      ['batch', 'CronJob'],
      ['', 'ConfigMap'],
      ['', 'Secret'],
    ];
    for (const [group, kind] of gated) assert.ok(gatedKind({ group, kind }), `${group}/${kind}`);
    assert.equal(gatedKind({ group: '', kind: 'Pod' }), null);
    assert.equal(gatedKind({ group: 'apps', kind: 'ReplicaSet' }), null);
    // The same kind name in another group is another kind.
    assert.equal(gatedKind({ group: 'example.com', kind: 'Deployment' }), null);
    assert.equal(gatedKind({ group: 'apps', kind: 'ConfigMap' }), null);
  });

  it('pins an image only by a full sha256 digest at its end', () => {
    assert.equal(digestOf(`nginx@sha256:${HEX}`), `sha256:${HEX}`);
    assert.equal(digestOf(`registry:5000/team/app:1.2@sha256:${HEX}`), `sha256:${HEX}`);
    assert.equal(digestOf('nginx:latest'), null);
    assert.equal(digestOf(`nginx:sha256-${HEX}`), null, 'a tag that looks like a digest');
    assert.equal(digestOf(`nginx@sha256:${HEX.slice(1)}`), null, '63 hex digits');
    assert.equal(digestOf(`nginx@sha256:${HEX.toUpperCase()}`), null, 'digests are lower case');
    assert.equal(digestOf(`nginx@sha512:${'a'.repeat(128)}`), null);
    assert.equal(digestOf(`nginx@sha256:${HEX}x`), null);
  });

  it('reads containers, init and ephemeral containers of the pod template, a CronJob’s included', () => {
    const pod = {
      initContainers: [{ image: 'init' }],
      containers: [{ image: 'app' }, { name: 'no-image' }],
      ephemeralContainers: [{ image: 'debug' }],
    };
    const deployment = gatedKind({ group: 'apps', kind: 'Deployment' })!;
    assert.deepEqual(imagesOf(deployment, { spec: { template: { spec: pod } } }), [
      'init',
      'app',
      '',
      'debug',
    ]);
    const cron = gatedKind({ group: 'batch', kind: 'CronJob' })!;
    assert.deepEqual(imagesOf(cron, { spec: { jobTemplate: { spec: { template: { spec: pod } } } } }), [
      'init',
      'app',
      '',
      'debug',
    ]);
    // A CronJob read like a Deployment has no pod template: refused, not read as "no images".
    assert.equal(imagesOf(cron, { spec: { template: { spec: pod } } }), null);
    assert.deepEqual(imagesOf(gatedKind({ group: '', kind: 'Secret' })!, { data: { a: 'b' } }), []);
  });

  it('sees an update that changes nothing that runs', () => {
    const deployment = gatedKind({ group: 'apps', kind: 'Deployment' })!;
    const old = {
      metadata: { labels: { a: '1' } },
      spec: { replicas: 2, template: { spec: { containers: [] } } },
    };
    const relabelled = { ...old, metadata: { labels: { a: '2' }, finalizers: ['x'] } };
    assert.equal(runsTheSame(deployment, relabelled, old), true);
    assert.equal(runsTheSame(deployment, { ...old, spec: { ...old.spec, replicas: 3 } }, old), false);
    assert.equal(runsTheSame(deployment, old, null), false);
    const secret = gatedKind({ group: '', kind: 'Secret' })!;
    const s = { metadata: {}, type: 'Opaque', data: { k: 'dg==' } };
    assert.equal(runsTheSame(secret, { ...s, metadata: { labels: { x: 'y' } } }, s), true);
    assert.equal(runsTheSame(secret, { ...s, data: { k: 'dw==' } }, s), false);
    assert.equal(runsTheSame(secret, { ...s, stringData: { k: 'w' } }, s), false);
    assert.equal(runsTheSame(secret, { ...s, immutable: true }, s), false);
    assert.equal(isBeingDeleted({ metadata: { deletionTimestamp: '2026-11-29T10:00:00Z' } }), true);
    assert.equal(isBeingDeleted({ metadata: {} }), false);
  });
});
