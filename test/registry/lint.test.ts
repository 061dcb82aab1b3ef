import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { ContractLintError } from '../../src/events/errors.js';
import type { JsonObject } from '../../src/events/types.js';
import {
  CurrencyCode,
  defineContract,
  Instant,
  MinorUnits,
  Payload,
  Reference,
} from '../../src/registry/contract.js';
import { lintSchema } from '../../src/registry/lint.js';

const closed = (properties: JsonObject): JsonObject => ({
  type: 'object',
  properties,
  additionalProperties: false,
});

describe('contract lint', () => {
  const cases: { rule: string; bad: JsonObject; path: string; good: JsonObject }[] = [
    {
      rule: 'closed-objects',
      bad: { type: 'object', properties: { a: { type: 'string' } } },
      path: '',
      good: closed({ a: { type: 'string' } }),
    },
    {
      rule: 'no-free-form',
      bad: closed({ details: {} }),
      path: '/properties/details',
      good: closed({ details: closed({ reason: { type: 'string' } }) }),
    },
    {
      rule: 'no-free-form',
      bad: closed({ details: { type: 'object', additionalProperties: false } }),
      path: '/properties/details',
      good: closed({ details: { type: 'object', additionalProperties: { type: 'integer' } } }),
    },
    {
      rule: 'no-display-properties',
      bad: closed({ amount_formatted: { type: 'string' } }),
      path: '/properties/amount_formatted',
      good: closed({ status: { enum: ['open'] } }),
    },
    {
      rule: 'no-display-properties',
      bad: closed({ status_label: { type: 'string' } }),
      path: '/properties/status_label',
      good: closed({ status: { enum: ['open'] } }),
    },
    {
      rule: 'no-formatting-strings',
      bad: closed({ note: { type: 'string', contentMediaType: 'text/html' } }),
      path: '/properties/note',
      good: closed({ note_id: { type: 'string' } }),
    },
    {
      rule: 'no-formatting-strings',
      bad: closed({ body: { type: 'string', format: 'html' } }),
      path: '/properties/body',
      good: closed({ sent_at: { type: 'string', format: 'date-time' } }),
    },
    {
      rule: 'quantities-are-numbers',
      bad: closed({ minutes: { type: 'string' } }),
      path: '/properties/minutes',
      good: closed({ minutes: { type: 'integer', minimum: 0 } }),
    },
    {
      rule: 'instants-have-format',
      bad: closed({ resolved_at: { type: 'string' } }),
      path: '/properties/resolved_at',
      good: closed({ resolved_at: { type: 'string', format: 'date-time' } }),
    },
    {
      rule: 'money-has-currency',
      bad: closed({ total_minor: { type: 'integer' } }),
      path: '',
      good: closed({
        total_minor: { type: 'integer' },
        currency: { type: 'string', pattern: '^[A-Z]{3}$' },
      }),
    },
    {
      rule: 'references-are-ids',
      bad: closed({ owner_id: { type: 'integer', 'x-pet-reference': 'employee' } }),
      path: '/properties/owner_id',
      good: closed({ owner_id: { type: 'string', 'x-pet-reference': 'employee' } }),
    },
  ];

  it.each(cases)(
    '$rule: rejects the bad example at its path and accepts the good one',
    ({ rule, bad, path, good }) => {
      expect(lintSchema(bad)).toContainEqual(expect.objectContaining({ rule, path }));
      expect(lintSchema(good)).toEqual([]);
    },
  );

  it('rejects keywords that would hide fields from the checks', () => {
    for (const keyword of ['$ref', 'patternProperties', 'if', 'not']) {
      expect(lintSchema(closed({ a: { type: 'string', [keyword]: {} } }))).toContainEqual(
        expect.objectContaining({ rule: 'supported-keywords', path: '/properties/a' }),
      );
    }
  });

  it('rejects a choice between references to different context types', () => {
    const assignee = {
      anyOf: [
        { type: 'string', 'x-pet-reference': 'employee' },
        { type: 'string', 'x-pet-reference': 'team' },
      ],
    };
    expect(lintSchema(closed({ assignee_id: assignee }))).toContainEqual(
      expect.objectContaining({ rule: 'references-are-ids', path: '/properties/assignee_id' }),
    );
    const nullable = {
      anyOf: [{ type: 'string', 'x-pet-reference': 'employee' }, { type: 'null' }],
    };
    expect(lintSchema(closed({ assignee_id: nullable }))).toEqual([]);
  });

  it('requires the currency whenever the amount is required', () => {
    const money = {
      total_minor: { type: 'integer' },
      currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    };
    expect(lintSchema({ ...closed(money), required: ['total_minor'] })).toContainEqual(
      expect.objectContaining({ rule: 'money-has-currency' }),
    );
    expect(lintSchema({ ...closed(money), required: ['total_minor', 'currency'] })).toEqual([]);
  });

  it('rejects a payload that is not an object', () => {
    expect(lintSchema({ type: 'string' })).toContainEqual(
      expect.objectContaining({ rule: 'no-free-form', path: '' }),
    );
  });

  it('accepts a nullable instant and finds problems in array items', () => {
    expect(
      lintSchema(
        closed({
          closed_at: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] },
        }),
      ),
    ).toEqual([]);
    expect(
      lintSchema(
        closed({ lines: { type: 'array', items: closed({ price: { type: 'string' } }) } }),
      ),
    ).toContainEqual(
      expect.objectContaining({
        rule: 'quantities-are-numbers',
        path: '/properties/lines/items/properties/price',
      }),
    );
  });

  it('stops a contract at definition, listing every finding with its rule and path', () => {
    const attempt = () =>
      defineContract({
        eventType: 'quote.sent',
        schemaVersion: 1,
        schema: Type.Object({ total_display: Type.String(), sent_at: Type.String() }),
      });
    expect(attempt).toThrow(ContractLintError);
    try {
      attempt();
    } catch (error) {
      expect((error as ContractLintError).code).toBe('PET_CONTRACT_LINT');
      expect((error as ContractLintError).findings.map((f) => `${f.rule} ${f.path}`)).toEqual([
        'closed-objects ',
        'no-display-properties /properties/total_display',
        'instants-have-format /properties/sent_at',
      ]);
    }
  });

  it('accepts contracts built from the factual helpers', () => {
    const QuoteSent = defineContract({
      eventType: 'quote.sent',
      schemaVersion: 1,
      schema: Payload({
        customer_id: Reference('customer'),
        total_minor: MinorUnits(),
        currency: CurrencyCode(),
        sent_at: Instant(),
      }),
    });
    expect(QuoteSent.document).toMatchObject({ additionalProperties: false, type: 'object' });
    expect(QuoteSent.document.properties).toMatchObject({
      customer_id: { 'x-pet-reference': 'customer' },
    });
  });
});
