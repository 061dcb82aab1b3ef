import { createHash } from 'node:crypto';
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

/** The sha256 of a text, as 64 lowercase hex digits. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The sha256 of a JSON document's canonical form. */
export function canonicalSha256(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
