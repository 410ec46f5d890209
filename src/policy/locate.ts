// Maps a path in the parsed data back to the YAML node it came from, so every policy error can name the
// line to fix. When the path does not exist (a missing key) the nearest existing parent is used.
import { isMap, isNode, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export interface Position {
  line: number;
  column: number;
}

export function position(lineCounter: LineCounter, offset: number): Position {
  const { line, col } = lineCounter.linePos(offset);
  return { line: Math.max(1, line), column: Math.max(1, col) };
}

function start(node: unknown): number | null {
  return isNode(node) && node.range ? node.range[0] : null;
}

/**
 * The node at `path` (or its nearest existing ancestor). With `atKey`, the last segment resolves to the
 * mapping key rather than its value: that is where an unknown key is written.
 */
export function nodeAt(doc: Document, path: readonly PropertyKey[], atKey = false): Node | null {
  let node: unknown = doc.contents;
  let found: Node | null = isNode(node) ? node : null;
  for (const [i, segment] of path.entries()) {
    const last = i === path.length - 1;
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === segment);
      if (!pair) break;
      // A key with no value (`foo:`) has nothing to point at but its key.
      if ((last && atKey) || !isNode(pair.value)) {
        if (isNode(pair.key)) found = pair.key;
        break;
      }
      next = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
    } else {
      break;
    }
    if (!isNode(next)) break;
    node = next;
    found = next;
  }
  return found;
}

export function offsetOf(doc: Document, path: readonly PropertyKey[], atKey = false): number {
  return start(nodeAt(doc, path, atKey)) ?? 0;
}

/**
 * Offset in the file of character `index` of a scalar's value. Exact when the line of the value holding
 * that character appears verbatim in the node's source (plain, simply quoted and literal block scalars);
 * otherwise the start of the node.
 */
export function offsetInScalar(source: string, node: Node | null, index: number): number {
  const nodeStart = start(node) ?? 0;
  if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return nodeStart;
  const value = node.value;
  const lineStart = value.lastIndexOf('\n', index - 1) + 1;
  const lineEnd = value.indexOf('\n', index);
  const line = value.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
  if (line.trim() === '') return nodeStart;
  const at = source.slice(nodeStart, node.range[1]).indexOf(line);
  return at === -1 ? nodeStart : nodeStart + at + (index - lineStart);
}
