// Answering a forge: retried a bounded number of times when it may help, never when it cannot, and every
// failure and the giving up said in the log, so a lost answer is never silent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import { ForgeCallFailed, sendWithRetry } from './callback.ts';

function recordingLog() {
  const lines: { level: string; msg: string; what: unknown }[] = [];
  const at =
    (level: string) =>
    (obj: { what?: unknown }, msg: string): void => {
      lines.push({ level, msg, what: obj.what });
    };
  const log = { warn: at('warn'), error: at('error'), info: at('info') } as unknown as FastifyBaseLogger;
  return { log, lines };
}

describe('sendWithRetry', () => {
  it('retries what may succeed later, then gives up with an error saying what to do', async () => {
    const { log, lines } = recordingLog();
    let calls = 0;
    const sent = await sendWithRetry(
      'run 1',
      async () => {
        calls++;
        throw new ForgeCallFailed('503', 503);
      },
      { delaysMs: [1, 1], log, giveUp: 'review it by hand' },
    );
    assert.equal(sent.state, 'retrying');
    await sent.done;
    assert.equal(calls, 3);
    assert.deepEqual(
      lines.map((l) => l.level),
      ['warn', 'warn', 'warn', 'error'],
    );
    assert.match(lines.at(-1)!.msg, /given up: review it by hand/);
  });

  it('stops at the first success, and does not retry a 4xx', async () => {
    const { log, lines } = recordingLog();
    let calls = 0;
    const later = await sendWithRetry(
      'run 2',
      async () => {
        if (++calls < 2) throw new Error('socket hang up');
      },
      { delaysMs: [1, 1, 1], log, giveUp: 'x' },
    );
    await later.done;
    assert.equal(calls, 2);
    assert.deepEqual(
      lines.map((l) => l.level),
      ['warn', 'info'],
    );
    const refused = await sendWithRetry(
      'run 3',
      async () => {
        throw new ForgeCallFailed('422 not waiting', 422);
      },
      { delaysMs: [1], log, giveUp: 'x' },
    );
    assert.deepEqual([refused.state, refused.error], ['failed', '422 not waiting']);
  });
});
