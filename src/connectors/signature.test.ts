// The webhook verifiers: they accept exactly what the secret signed, and refuse everything without a secret.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { hmacSha256Verifier, sharedTokenVerifier } from './signature.ts';

const body = Buffer.from('{"action":"requested","deployment":{"id":1}}');
const sign = (secret: string, raw: Buffer) =>
  `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;

describe('hmacSha256Verifier', () => {
  const verify = hmacSha256Verifier({ header: 'X-Hub-Signature-256', secret: () => 's3cret' });

  it('accepts the HMAC of the exact bytes, in either hex case', async () => {
    assert.equal(await verify(body, { 'x-hub-signature-256': sign('s3cret', body) }), null);
    const upper = `sha256=${sign('s3cret', body).slice(7).toUpperCase()}`;
    assert.equal(await verify(body, { 'x-hub-signature-256': upper }), null);
  });

  it('refuses another secret, another body, a missing or malformed header', async () => {
    assert.match(
      String(await verify(body, { 'x-hub-signature-256': sign('other', body) })),
      /does not match/,
    );
    const changed = Buffer.from(body.toString().replace('1', '2'));
    assert.match(
      String(await verify(changed, { 'x-hub-signature-256': sign('s3cret', body) })),
      /does not match/,
    );
    assert.match(String(await verify(body, {})), /missing/);
    assert.match(
      String(await verify(body, { 'x-hub-signature-256': sign('s3cret', body).slice(7) })),
      /not sha256=/,
    );
    assert.match(
      String(await verify(body, { 'x-hub-signature-256': `${sign('s3cret', body)}00` })),
      /not sha256=/,
    );
  });

  it('refuses everything when no secret is configured', async () => {
    const none = hmacSha256Verifier({ header: 'X-Hub-Signature-256', secret: () => undefined });
    assert.match(String(await none(body, { 'x-hub-signature-256': sign('', body) })), /no secret/);
  });
});

describe('sharedTokenVerifier', () => {
  const verify = sharedTokenVerifier({ header: 'X-Gitlab-Token', secret: () => 'tok-123' });

  it('accepts the shared token and refuses anything else', async () => {
    assert.equal(await verify(body, { 'x-gitlab-token': 'tok-123' }), null);
    assert.match(String(await verify(body, { 'x-gitlab-token': 'tok-12' })), /does not match/);
    assert.match(String(await verify(body, { 'x-gitlab-token': 'tok-1234' })), /does not match/);
    assert.match(String(await verify(body, {})), /missing/);
    const none = sharedTokenVerifier({ header: 'X-Gitlab-Token', secret: () => '' });
    assert.match(String(await none(body, { 'x-gitlab-token': '' })), /no secret/);
  });
});
