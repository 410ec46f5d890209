import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { forgetSession, loadSession, saveSession, sessionFilePath } from './session-file.ts';

describe('the saved login sessions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'changeproof-session-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const later = new Date(Date.now() + 3_600_000).toISOString();

  it('lives under CHANGEPROOF_CONFIG, else the XDG config folder, else ~/.config', () => {
    assert.equal(sessionFilePath({ CHANGEPROOF_CONFIG: '/x/s.json', XDG_CONFIG_HOME: '/y' }), '/x/s.json');
    assert.equal(sessionFilePath({ XDG_CONFIG_HOME: '/y' }), '/y/changeproof/sessions.json');
    assert.match(sessionFilePath({}), /\.config\/changeproof\/sessions\.json$/);
  });

  it('keeps one session per server, readable by its owner only', () => {
    const path = join(dir, 'a', 'sessions.json');
    saveSession('http://one:8320', { username: 'ivy', token: 'cps_1', expiresAt: later }, path);
    saveSession('http://two:8320', { username: 'sam', token: 'cps_2', expiresAt: later }, path);
    saveSession('http://one:8320', { username: 'tess', token: 'cps_3', expiresAt: later }, path);
    assert.equal(loadSession('http://one:8320', path)?.username, 'tess');
    assert.equal(loadSession('http://two:8320', path)?.token, 'cps_2');
    assert.equal(loadSession('http://three:8320', path), null);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(dirname(path)).mode & 0o777, 0o700);
  });

  it('ignores an expired session and forgets one on logout', () => {
    const path = join(dir, 'b', 'sessions.json');
    const past = new Date(Date.now() - 1000).toISOString();
    saveSession('http://one:8320', { username: 'ivy', token: 'cps_1', expiresAt: past }, path);
    assert.equal(loadSession('http://one:8320', path), null);
    saveSession('http://one:8320', { username: 'ivy', token: 'cps_1', expiresAt: later }, path);
    assert.equal(forgetSession('http://one:8320', path), true);
    assert.equal(loadSession('http://one:8320', path), null);
    assert.equal(forgetSession('http://one:8320', path), false);
  });
});
