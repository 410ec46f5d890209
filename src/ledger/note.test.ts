import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeBase64 } from './base64.ts';
import {
  type NoteSignature,
  NoteError,
  ed25519KeyFromSeed,
  generateEd25519Key,
  isValidKeyName,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from './note.ts';

// golang.org/x/mod sumdb/note/note_test.go
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_B64 =
  'x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=';
const ENOCH_B64 =
  'rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=';
const PETER_SIG = `\u2014 PeterNeumann ${PETER_B64}\n`;
const ENOCH_SIG = `\u2014 EnochRoot ${ENOCH_B64}\n`;
const peter: NoteSignature = { name: 'PeterNeumann', keyId: 0xc74f20a3, base64: PETER_B64 };
const enoch: NoteSignature = { name: 'EnochRoot', keyId: 0xaf0cfe78, base64: ENOCH_B64 };
const peterVerifier = parseVerifierKey(PETER_VKEY);
const enochVerifier = parseVerifierKey(ENOCH_VKEY);

/** The base64 part of a key string: everything after its last id field ('+' occurs in base64 too). */
const keyBytes = (key: string): Buffer =>
  decodeBase64(/^(?:PRIVATE\+KEY\+)?[^+]+\+[0-9a-f]{8}\+(.*)$/.exec(key)![1]!)!;

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    assert.ok(error instanceof NoteError, String(error));
    return error.code;
  }
}

describe('keys', () => {
  it('parses the sumdb keys and rebuilds both strings from the seed', () => {
    assert.equal(peterVerifier.name, 'PeterNeumann');
    assert.equal(peterVerifier.keyId, 0xc74f20a3);
    const signer = parseSignerKey(PETER_SKEY);
    assert.equal(signer.keyId, 0xc74f20a3);
    const seed = keyBytes(PETER_SKEY).subarray(1);
    assert.deepEqual(ed25519KeyFromSeed('PeterNeumann', seed), {
      signerKey: PETER_SKEY,
      verifierKey: PETER_VKEY,
    });
  });

  it('refuses every substring and every one-character change of the key strings', () => {
    for (const [key, parse] of [
      [PETER_VKEY, parseVerifierKey],
      [PETER_SKEY, parseSignerKey],
    ] as const) {
      for (let i = 0; i <= key.length; i++) {
        for (let j = i + 1; j <= key.length; j++) {
          if (i !== 0 || j !== key.length)
            assert.ok(
              code(() => parse(key.slice(i, j))),
              key.slice(i, j),
            );
        }
      }
      for (let i = 0; i < key.length; i++) {
        const changed = key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1);
        assert.ok(
          code(() => parse(changed)),
          changed,
        );
      }
    }
    const wrongLength = 'PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==';
    assert.equal(
      code(() => parseVerifierKey(wrongLength)),
      'malformed-key',
    );
    const unknownType = 'PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
    assert.equal(
      code(() => parseVerifierKey(unknownType)),
      'unknown-algorithm',
    );
  });

  it('checks key names', () => {
    for (const bad of ['', 'a+b', 'a b', 'a\tb', 'a\u00a0b', 'a\u2028b', '\ud800'])
      assert.equal(isValidKeyName(bad), false);
    for (const good of ['example.com/log42', 'PeterNeumann', 'ünïcode'])
      assert.equal(isValidKeyName(good), true);
    assert.equal(
      code(() => generateEd25519Key('bad name')),
      'malformed-key',
    );
  });

  it('signs and verifies RFC 8032 §7.1 TEST 1-3', () => {
    const cases = [
      [
        '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
        'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
        '',
        'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
      ],
      [
        '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
        '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
        '72',
        '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
      ],
      [
        'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
        'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
        'af82',
        '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
      ],
    ];
    for (const [seed, publicKey, message, signature] of cases.map((c) =>
      c.map((h) => Buffer.from(h, 'hex')),
    )) {
      const keys = ed25519KeyFromSeed('rfc8032', seed!);
      assert.deepEqual(keyBytes(keys.verifierKey).subarray(1), publicKey);
      assert.deepEqual(Buffer.from(parseSignerKey(keys.signerKey).sign(message!)), signature);
      const verifier = parseVerifierKey(keys.verifierKey);
      assert.equal(verifier.verify(message!, signature!), true);
      assert.equal(verifier.verify(Buffer.concat([message!, Buffer.of(0)]), signature!), false);
      signature![5]! ^= 1;
      assert.equal(verifier.verify(message!, signature!), false);
    }
  });
});

describe('signing', () => {
  it('reproduces the sumdb signed note byte for byte', () => {
    const signer = parseSignerKey(PETER_SKEY);
    const want = `${TEXT}\n${PETER_SIG}`;
    assert.equal(signNote(TEXT, [signer]), want);
    // A signer replaces its own earlier signature.
    assert.equal(signNote(TEXT, [signer], [{ ...peter, base64: 'BADSIGN=' }]), want);
    assert.equal(signNote(TEXT, [], [enoch, peter]), `${TEXT}\n${ENOCH_SIG}${PETER_SIG}`);
  });

  it('refuses malformed input', () => {
    const signer = parseSignerKey(PETER_SKEY);
    assert.equal(
      code(() => signNote('abc', [signer])),
      'malformed-note',
    );
    assert.equal(
      code(() => signNote('a\rb\n', [signer])),
      'malformed-note',
    );
    assert.equal(
      code(() => signNote(TEXT, [])),
      'malformed-note',
    );
    assert.equal(
      code(() => signNote(TEXT, [], [{ name: 'a+b', keyId: 0, base64: 'ABCD' }])),
      'malformed-note',
    );
    assert.equal(
      code(() => signNote(TEXT, [], [{ ...peter, base64: 'BADHASH=' }])),
      'malformed-note',
    );
    assert.equal(
      code(() => signNote(TEXT, [{ ...signer, name: 'bad name' }])),
      'invalid-signer',
    );
  });
});

describe('opening', () => {
  const both = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;

  it('verifies known keys and returns unknown ones unchecked', () => {
    assert.deepEqual(openNote(both, [peterVerifier]), { text: TEXT, verified: [peter], unverified: [enoch] });
    const all = openNote(Buffer.from(both), [peterVerifier, enochVerifier]);
    assert.deepEqual(all, { text: TEXT, verified: [peter, enoch], unverified: [] });
    assert.throws(
      () => openNote(both, []),
      (e: NoteError) => e.code === 'unverified' && e.unverified.length === 2,
    );
  });

  it('opens the C2SP signed-note example', () => {
    const verifier = parseVerifierKey(
      'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k',
    );
    const sig =
      'Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=';
    const opened = openNote(`This is an example message.\n\n\u2014 example.com/foo ${sig}\n`, [verifier]);
    assert.equal(opened.text, 'This is an example message.\n');
    assert.equal(opened.verified.length, 1);
  });

  it('treats a repeated key as ambiguous only when it signed', () => {
    const list = [enochVerifier, peterVerifier, enochVerifier];
    assert.equal(
      code(() => openNote(`${TEXT}\n${ENOCH_SIG}`, list)),
      'ambiguous-key',
    );
    assert.equal(openNote(`${TEXT}\n${PETER_SIG}`, list).verified.length, 1);
  });

  it('rejects a failed known signature and drops duplicates', () => {
    const broken = (line: string) => `${line.slice(0, 60)}ABCD${line.slice(60)}`;
    assert.equal(
      code(() => openNote(`${TEXT}\n${broken(PETER_SIG)}`, [peterVerifier])),
      'invalid-signature',
    );
    const note = `${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}${broken(ENOCH_SIG)}`;
    const enochAbcd = { ...enoch, base64: broken(ENOCH_SIG).slice('\u2014 EnochRoot '.length, -1) };
    assert.deepEqual(openNote(note, [peterVerifier]).unverified, [enoch, enochAbcd]);
    assert.deepEqual(openNote(note, [peterVerifier]).verified, [peter]);
  });

  it('rejects malformed notes', () => {
    const bad = [
      TEXT,
      `${TEXT}\n`,
      `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
      `\u0001${TEXT}\n${PETER_SIG}`,
      `${TEXT}\n\u2014 Bad Name ${PETER_B64}`,
      `${TEXT}\n\u2014 Bad Name ${PETER_B64}\n`,
      `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
      `${TEXT}\n${PETER_SIG.repeat(101)}`,
      `${TEXT}\n- PeterNeumann ${PETER_B64}\n`,
      `${TEXT}\n\u2014 PeterNeumann ${PETER_B64.slice(0, -1)}\n`,
      `${TEXT}\n\u2014 PeterNeumann AAAAAA==\n`,
    ];
    for (const note of bad)
      assert.equal(
        code(() => openNote(note, [peterVerifier])),
        'malformed-note',
        note,
      );
    const invalidUtf8 = Buffer.concat([Buffer.of(0xff), Buffer.from(`${TEXT}\n${PETER_SIG}`)]);
    assert.equal(
      code(() => openNote(invalidUtf8, [peterVerifier])),
      'malformed-note',
    );
    assert.equal(
      code(() => openNote('x'.repeat(2 ** 20 + 1), [peterVerifier])),
      'malformed-note',
    );
  });

  it('round-trips any text and rejects any change to it', () => {
    const keys = generateEd25519Key('example.com/log');
    const [signer, verifier] = [parseSignerKey(keys.signerKey), parseVerifierKey(keys.verifierKey)];
    const printable = (s: string): string => [...s].filter((c) => c.codePointAt(0)! >= 0x20).join('');
    const line = fc.string({ unit: 'grapheme', minLength: 1 }).map(printable);
    fc.assert(
      fc.property(fc.array(line, { minLength: 1 }), fc.nat(), (lines, at) => {
        // Empty lines are fine: the text ends at the last blank line, before the signatures.
        const text = `${lines.join('\n')}\n`;
        const note = signNote(text, [signer]);
        assert.equal(openNote(note, [verifier]).text, text);
        const bytes = Buffer.from(text);
        bytes[at % bytes.length]! ^= 0x01;
        const changed = Buffer.concat([bytes, Buffer.from(note.slice(text.length))]);
        assert.ok(
          ['invalid-signature', 'malformed-note'].includes(code(() => openNote(changed, [verifier]))!),
        );
      }),
      { numRuns: 200 },
    );
  });
});
