import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leafHash } from '../../src/ledger/hash.ts';
import { MemoryTree } from '../../src/ledger/memory-tree.ts';
import {
  EntryBundleError,
  MAX_ENTRY_SIZE,
  encodeEntryBundle,
  encodeTileIndex,
  isTileOf,
  levelCount,
  parseEntryBundle,
  parseTilePath,
  tilePath,
  tilesAtLevel,
} from '../../src/ledger/tile-layout.ts';
import { readEntries, readHashTile, writeTlogTiles } from '../../src/ledger/tiles.ts';
import { naiveRoot } from '../../src/ledger/tree.ts';
import { makeKeys, range, rootOf, signedCheckpoint, syntheticEntry } from './support.ts';

const tmp = () => mkdtemp(join(tmpdir(), 'tiles-test-'));

describe('tlog-tiles layout', () => {
  it('encodes tile indexes as 3-digit path elements, x-prefixed but the last (the spec example)', () => {
    assert.equal(encodeTileIndex(1234067), 'x001/x234/067');
    assert.equal(encodeTileIndex(0), '000');
    assert.equal(encodeTileIndex(5), '005');
    assert.equal(encodeTileIndex(999), '999');
    assert.equal(encodeTileIndex(1000), 'x001/000');
    assert.equal(tilePath({ level: 0, index: 1234067, width: 256 }), 'tile/0/x001/x234/067');
    assert.equal(tilePath({ level: 2, index: 3, width: 17 }), 'tile/2/003.p/17');
    assert.equal(tilePath({ level: 'entries', index: 1000, width: 1 }), 'tile/entries/x001/000.p/1');
  });

  it('parses exactly the canonical paths', () => {
    for (const ref of [
      { level: 0, index: 1234067, width: 256 },
      { level: 'entries' as const, index: 42, width: 255 },
      { level: 63, index: 0, width: 1 },
    ]) {
      assert.deepEqual(parseTilePath(tilePath(ref)), ref);
    }
    for (const bad of [
      'tile/0/5',
      'tile/0/x000/005',
      'tile/0/001/002',
      'tile/00/000',
      'tile/64/000',
      'tile/0/000.p/0',
      'tile/0/000.p/256',
      'tile/0/000.p/012',
      'tile/0/000.p/',
      'tile/foo/000',
      'tiles/0/000',
      'tile/0/000/',
      'checkpoint',
    ]) {
      assert.equal(parseTilePath(bad), undefined, bad);
    }
  });

  it('has the tiles of the spec examples (sizes 70,000 and 256)', () => {
    const widths = (size: number, level: number) => [...tilesAtLevel(size, level)].map((t) => t.width);
    const l0 = widths(70_000, 0);
    assert.equal(l0.length, 274);
    assert.equal(l0.filter((w) => w === 256).length, 273);
    assert.equal(l0.at(-1), 112);
    assert.deepEqual(widths(70_000, 1), [256, 17]);
    assert.deepEqual(widths(70_000, 2), [1]);
    assert.equal(levelCount(70_000), 3);
    assert.deepEqual(widths(256, 0), [256]);
    assert.deepEqual(widths(256, 1), [1]);
    assert.equal(levelCount(256), 2);
    assert.equal(levelCount(0), 0);
    assert.ok(isTileOf(70_000, { level: 1, index: 1, width: 17 }));
    assert.ok(!isTileOf(70_000, { level: 1, index: 1, width: 16 }));
    assert.ok(!isTileOf(70_000, { level: 3, index: 0, width: 1 }));
  });

  it('frames entries with big-endian uint16 lengths', () => {
    const bundle = encodeEntryBundle([Buffer.from('ab'), Buffer.alloc(0), Buffer.alloc(300, 7)]);
    assert.deepEqual([...bundle.subarray(0, 4)], [0, 2, 0x61, 0x62]);
    assert.deepEqual([...bundle.subarray(4, 8)], [0, 0, 1, 44]);
    assert.deepEqual(
      parseEntryBundle(bundle, 3).map((e) => e.length),
      [2, 0, 300],
    );
    assert.throws(() => parseEntryBundle(bundle, 4), EntryBundleError);
    assert.throws(() => parseEntryBundle(bundle, 2), /extra bytes/);
    assert.throws(() => parseEntryBundle(bundle.subarray(0, bundle.length - 1), 3), /truncated/);
    assert.throws(() => encodeEntryBundle([Buffer.alloc(MAX_ENTRY_SIZE + 1)]), /at most 65535 bytes/);
    assert.equal(parseEntryBundle(encodeEntryBundle([Buffer.alloc(MAX_ENTRY_SIZE)]), 1)[0]!.length, 65535);
  });
});

describe('writeTlogTiles', () => {
  const keys = makeKeys(1);

  it('writes tiles whose hashes are the tree nodes, and entries that read back', async () => {
    for (const n of [1, 255, 256, 257, 513, 1000]) {
      const dir = await tmp();
      const tree = new MemoryTree();
      for (const entry of range(n)) tree.append(leafHash(entry));
      const checkpoint = signedCheckpoint(keys, n, tree.root());
      const progress: number[] = [];
      const result = await writeTlogTiles(dir, {
        entries: range(n),
        checkpoint,
        onProgress: (w) => progress.push(w),
      });
      assert.deepEqual(result.rootHash, tree.root());
      assert.equal(progress.at(-1), n);
      assert.equal(await readFile(join(dir, 'checkpoint'), 'utf8'), checkpoint);
      // Every tile hash at level l, index i is the RFC 6962 node of 256^l leaves at level 8l.
      for (let level = 0; level < levelCount(n); level++) {
        for (const ref of tilesAtLevel(n, level)) {
          const hashes = await readHashTile(dir, level, ref.index, ref.width);
          hashes.forEach((h, i) =>
            assert.deepEqual(h, tree.getNode(8 * level, ref.index * 256 + i), `${n} ${level}`),
          );
        }
      }
      let i = 0;
      for await (const entry of readEntries(dir, n))
        assert.deepEqual(Buffer.from(entry), syntheticEntry(i++));
      assert.equal(i, n);
      await rm(dir, { recursive: true });
    }
  });

  it('writes level-2 tiles: the root of the first 65,536 entries', async () => {
    const n = 65_536 + 300;
    const dir = await tmp();
    await writeTlogTiles(dir, { entries: range(n), checkpoint: signedCheckpoint(keys, n, rootOf(range(n))) });
    assert.deepEqual(await readHashTile(dir, 2, 0, 1), [rootOf(range(65_536))]);
    assert.equal((await readHashTile(dir, 1, 1, 1)).length, 1);
    await rm(dir, { recursive: true });
  });

  it('agrees with the naive RFC 6962 root for small sizes', () => {
    for (let n = 0; n <= 40; n++) {
      const leaves = [...range(n)].map((e) => leafHash(e));
      assert.deepEqual(rootOf(range(n)), naiveRoot(leaves), `size ${n}`);
    }
  });

  it('streams from an async iterable and stops reading at the checkpoint size', async () => {
    const dir = await tmp();
    let pulled = 0;
    async function* entries() {
      for (let i = 0; ; i++) {
        pulled++;
        yield syntheticEntry(i);
      }
    }
    await writeTlogTiles(dir, {
      entries: entries(),
      checkpoint: signedCheckpoint(keys, 300, rootOf(range(300))),
    });
    assert.equal(pulled, 300);
    assert.deepEqual((await readdir(join(dir, 'tile', 'entries'), { recursive: true })).sort(), [
      '000',
      '001.p',
      '001.p/44',
    ]);
    await rm(dir, { recursive: true });
  });

  it('refuses an oversized entry, too few entries, a wrong root, and a non-empty directory', async () => {
    const big = (i: number) => (i === 2 ? Buffer.alloc(MAX_ENTRY_SIZE + 1) : syntheticEntry(i));
    const dir = await tmp();
    await assert.rejects(
      writeTlogTiles(dir, {
        entries: range(3, big),
        checkpoint: signedCheckpoint(keys, 3, rootOf(range(3))),
      }),
      /entry 2 is 65536 bytes.*at most 65535 bytes/,
    );
    await rm(dir, { recursive: true });
    const short = await tmp();
    await assert.rejects(
      writeTlogTiles(short, { entries: range(9), checkpoint: signedCheckpoint(keys, 10, rootOf(range(10))) }),
      /entries end after 9, but the checkpoint has size 10/,
    );
    await rm(short, { recursive: true });
    const wrong = await tmp();
    await assert.rejects(
      writeTlogTiles(wrong, { entries: range(10), checkpoint: signedCheckpoint(keys, 10, rootOf(range(9))) }),
      /do not hash to the checkpoint's root/,
    );
    await assert.rejects(readFile(join(wrong, 'checkpoint')), /ENOENT/);
    await rm(wrong, { recursive: true });
    const used = await tmp();
    const checkpoint = signedCheckpoint(keys, 2, rootOf(range(2)));
    await writeTlogTiles(used, { entries: range(2), checkpoint });
    await assert.rejects(
      writeTlogTiles(used, { entries: range(2), checkpoint }),
      /exists: export into an empty/,
    );
    await rm(used, { recursive: true });
  });
});
