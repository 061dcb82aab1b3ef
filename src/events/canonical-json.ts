import * as crypto from 'node:crypto';
import canonicalize from 'canonicalize';
import { EventInvalidError } from './errors.js';

/**
 * The canonical JSON text of a value (RFC 8785: keys sorted, no insignificant whitespace,
 * numbers in their shortest form), so the same document always has the same bytes.
 *
 * @example
 * canonicalJson({ b: 1, a: 2 }) // '{"a":2,"b":1}'
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new EventInvalidError('document', 'has no JSON form');
  return text;
}

/**
 * The canonical JSON text of a JSON value (plain objects, arrays, strings, finite numbers,
 * booleans, null): the same text as `canonicalJson`, written directly for the log's hot paths
 * (sealing and verifying a million events). RFC 8785 orders keys by UTF-16 code units, as
 * `Array.prototype.sort` does, and writes strings and numbers as `JSON.stringify` does.
 */
export function canonicalJsonOf(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    // RFC 8785 has no form for them; JSON.stringify would write null, another value.
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new EventInvalidError('document', `holds ${value}, which JSON cannot carry`);
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJsonOf).join(',')}]`;
  const object = value as Record<string, unknown>;
  let text = '{';
  for (const key of sortedKeys(object)) {
    const inner = object[key];
    if (inner === undefined) continue;
    text += `${text === '{' ? '' : ','}${JSON.stringify(key)}:${canonicalJsonOf(inner)}`;
  }
  return `${text}}`;
}

/**
 * The canonical JSON of `value`, given `text`, the `JSON.stringify` of a value that `value` was
 * parsed from: `text` itself when every object in it has its keys in code-unit order already,
 * else written anew. (JSON.stringify writes strings and numbers as RFC 8785 does: only the
 * order of keys can differ.)
 */
export function canonicalText(text: string, value: unknown): string {
  return keysInOrder(value) ? text : canonicalJsonOf(value);
}

/**
 * Whether the keys of every object in a parsed JSON value are in code-unit order, as the text
 * it was parsed from had them. A key that is an array index says no: JavaScript lists those
 * first, in numeric order, whatever the text's order was.
 */
function keysInOrder(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.every(keysInOrder);
  let previous = '';
  for (const key of Object.keys(value)) {
    const first = key.charCodeAt(0);
    if (key < previous || (first >= 48 && first <= 57)) return false;
    if (!keysInOrder((value as Record<string, unknown>)[key])) return false;
    previous = key;
  }
  return true;
}

/**
 * The first key that one object of a JSON text holds twice, if any. RFC 8785 takes I-JSON,
 * whose objects hold each key once; readers differ on such a text (`JSON.parse` keeps the
 * last value, SQLite's `json_extract` the first), so its content has no one canonical form.
 * Keys are compared as decoded (`"a"` and `"\u0061"` are one key). `text` is JSON as a
 * database wrote it; a text cut short ends the search.
 */
export function duplicateKey(text: string): string | undefined {
  // One set of keys per open object, null per open array.
  const open: (Set<string> | null)[] = [];
  let keyNext = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      let end = i + 1;
      for (let d = text.charCodeAt(end); d !== 0x22; d = text.charCodeAt(end)) {
        if (end >= text.length) return undefined;
        end += d === 0x5c ? 2 : 1;
      }
      const keys = open.at(-1);
      if (keyNext && keys) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (keys.has(key)) return key;
        keys.add(key);
      }
      keyNext = false;
      i = end;
    } else if (c === 0x7b) {
      open.push(new Set());
      keyNext = true;
    } else if (c === 0x5b) {
      open.push(null);
      keyNext = false;
    } else if (c === 0x7d || c === 0x5d) {
      open.pop();
      keyNext = false;
    } else if (c === 0x2c) {
      keyNext = open.at(-1) != null;
    }
  }
  return undefined;
}

/**
 * An object's keys in code-unit order. Objects often have them in that order already (SQLite
 * stores payloads in canonical JSON; many are built in order): then the sort is skipped, which
 * took more than half of an event's canonical JSON.
 */
function sortedKeys(object: object): string[] {
  const keys = Object.keys(object);
  for (let i = 1; i < keys.length; i += 1) {
    if ((keys[i - 1] as string) > (keys[i] as string)) return keys.sort();
  }
  return keys;
}

// One-shot hashing where the runtime has it (Node.js 20.12 and later), twice as fast.
const oneShot = (crypto as { hash?: (algorithm: string, data: string) => string }).hash;

/** The sha256 of a text, as 64 lowercase hex digits. */
export function sha256Hex(text: string): string {
  return oneShot === undefined
    ? crypto.createHash('sha256').update(text).digest('hex')
    : oneShot('sha256', text);
}

/** The sha256 of a JSON document's canonical form. */
export function canonicalSha256(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
