import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalEvent } from '../../src/audit/chain.js';
import {
  canonicalJson,
  canonicalJsonOf,
  canonicalText,
  duplicateKey,
} from '../../src/events/canonical-json.js';
import { EventInvalidError } from '../../src/events/errors.js';
import type { WireEvent } from '../../src/events/wire.js';

describe('canonical JSON', () => {
  it('writes every JSON value as RFC 8785 does (canonicalize), keys in UTF-16 order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJsonOf(value)).toBe(canonicalJson(value));
      }),
      { numRuns: 2000 },
    );
    const tricky = { é: 1, e: 2, '\u{1F600}': [1.5e-7, -0, 1e21, 'a\u2028b'], '\uFFFF': null };
    expect(canonicalJsonOf(tricky)).toBe(canonicalJson(tricky));
  });

  it('writes objects of plain values (most payloads) as RFC 8785 does', () => {
    const plain = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary' }), plain, { maxKeys: 20 }), (value) => {
        expect(canonicalJsonOf(value)).toBe(canonicalJson(value));
      }),
      { numRuns: 2000 },
    );
    expect(canonicalJsonOf({ b: 1, a: undefined })).toBe('{"b":1}');
    const parsed = JSON.parse('{"z":1,"__proto__":"x","a":[1]}') as unknown;
    expect(canonicalJsonOf(parsed)).toBe(canonicalJson(parsed));
  });

  it('sorts the keys of objects nested in one whose keys are in order, and the other way round', () => {
    const inOrder = { a: { z: 1, b: [{ y: 2, c: 3 }] }, b: 1, c: { a: 1 } };
    expect(canonicalJsonOf(inOrder)).toBe('{"a":{"b":[{"c":3,"y":2}],"z":1},"b":1,"c":{"a":1}}');
    const outOfOrder = { c: { a: 1, b: 2 }, a: 1, b: { x: { m: 1, n: 2 } } };
    expect(canonicalJsonOf(outOfOrder)).toBe('{"a":1,"b":{"x":{"m":1,"n":2}},"c":{"a":1,"b":2}}');
    // Integer-like keys come first from Object.keys, in numeric order: not code-unit order.
    const numeric = { '10': 'a', '9': 'b', '1': 'c' };
    expect(canonicalJsonOf(numeric)).toBe(canonicalJson(numeric));
    expect(canonicalJsonOf(numeric)).toBe('{"1":"c","10":"a","9":"b"}');
  });
});

describe('a number out of range', () => {
  it('has no canonical JSON: RFC 8785 has no form for it, and JSON.stringify would write null', () => {
    for (const value of [Infinity, -Infinity, NaN, JSON.parse('1e400') as number]) {
      expect(() => canonicalJsonOf({ n: [value] })).toThrow(EventInvalidError);
    }
    expect(canonicalJsonOf({ n: [Number.MAX_VALUE, -0, 5e-324] })).toBe(
      '{"n":[1.7976931348623157e+308,0,5e-324]}',
    );
  });
});

describe('a payload stored in canonical JSON', () => {
  it("keeps JSON.stringify's text when its keys are in order, and writes it anew otherwise", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        expect(canonicalText(text, JSON.parse(text))).toBe(canonicalJson(value));
      }),
      { numRuns: 2000 },
    );
    const inOrder = JSON.stringify({ a: 1, b: [{ c: 2, d: null }], e: 'x' });
    expect(canonicalText(inOrder, JSON.parse(inOrder))).toBe(inOrder);
    for (const value of [
      { b: 1, a: 2 },
      { a: { d: 1, c: 2 } },
      { a: [{ y: 1, x: 2 }] },
      // Array indexes come first when parsed, whatever the text's order.
      { b: 1, '2': 'x' },
      { '10': 1, '9': 2 },
    ]) {
      const text = JSON.stringify(value);
      expect(canonicalText(text, JSON.parse(text))).toBe(canonicalJson(value));
    }
  });
});

describe('an event in canonical JSON', () => {
  it('is the canonical JSON of its wire shape', () => {
    fc.assert(
      fc.property(
        fc.record({
          id: fc.uuid(),
          position: fc.bigInt({ min: 1n, max: 2n ** 62n }).map(String),
          event_type: fc.constantFrom('ticket.created', 'lead.qualified'),
          schema_version: fc.integer({ min: 1, max: 9 }),
          occurred_at: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          recorded_at: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          actor_employee_id: fc.option(fc.string(), { nil: null }),
          context_type: fc.string(),
          context_id: fc.string(),
          context_version: fc.integer({ min: 1 }),
          payload: fc.dictionary(fc.string(), fc.jsonValue()),
          idempotency_key: fc.option(fc.string(), { nil: null }),
          correlation_id: fc.option(fc.uuid(), { nil: null }),
          causation_id: fc.option(fc.uuid(), { nil: null }),
        }),
        (event) => {
          expect(canonicalEvent(event as WireEvent)).toBe(canonicalJson(event));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('finds the first key an object of a JSON text holds twice, keys compared as decoded', () => {
    type Node =
      | { kind: 'object'; entries: [string, Node][] }
      | { kind: 'array'; items: Node[] }
      | { kind: 'leaf'; value: string | number | boolean | null };
    // Few distinct keys, so that objects often repeat one; some written with \u escapes.
    const { node } = fc.letrec<{ node: Node }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc
          .oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null))
          .map((value): Node => ({ kind: 'leaf', value })),
        fc
          .array(fc.tuple(fc.constantFrom('a', 'b', 'é', '"', '\\', 'a/b'), tie('node')), {
            maxLength: 4,
          })
          .map((entries): Node => ({ kind: 'object', entries })),
        fc.array(tie('node'), { maxLength: 3 }).map((items): Node => ({ kind: 'array', items })),
      ),
    }));
    const write = (n: Node, escape: boolean): string => {
      if (n.kind === 'leaf') return JSON.stringify(n.value);
      if (n.kind === 'array') return `[${n.items.map((item) => write(item, escape)).join(', ')}]`;
      const key = (k: string) =>
        escape
          ? `"\\u${k.charCodeAt(0).toString(16).padStart(4, '0')}${JSON.stringify(k.slice(1)).slice(1)}`
          : JSON.stringify(k);
      return `{ ${n.entries.map(([k, v]) => `${key(k)} : ${write(v, escape)}`).join(' , ')} }`;
    };
    // The reference: the first repeated key in text order.
    const firstRepeat = (n: Node): string | undefined => {
      if (n.kind === 'leaf') return undefined;
      if (n.kind === 'array') {
        for (const item of n.items) {
          const found = firstRepeat(item);
          if (found !== undefined) return found;
        }
        return undefined;
      }
      const seen = new Set<string>();
      for (const [k, v] of n.entries) {
        if (seen.has(k)) return k;
        seen.add(k);
        const found = firstRepeat(v);
        if (found !== undefined) return found;
      }
      return undefined;
    };
    fc.assert(
      fc.property(node, fc.boolean(), (tree, escape) => {
        const text = write(tree, escape);
        // The generated text is JSON, as a database would hold it.
        expect(() => JSON.parse(text) as unknown).not.toThrow();
        expect(duplicateKey(text)).toBe(firstRepeat(tree));
      }),
      { numRuns: 3000 },
    );
    expect(duplicateKey('{"a":1,"\\u0061":2}')).toBe('a');
    expect(duplicateKey('{"a":{"a":1},"b":["a","a"]}')).toBeUndefined();
    expect(duplicateKey('{"a":"x\\"}", "a":1}')).toBe('a');
    expect(duplicateKey('{"a":1,"a')).toBeUndefined();
  });
});
