import { Type } from '@sinclair/typebox';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { canonicalJson, canonicalSha256 } from '../../src/events/canonical-json.js';
import { EventTypeInvalidError } from '../../src/events/errors.js';
import { TicketCreatedV1 } from '../../src/pet/ticket/contracts.js';
import { compileSchema } from '../../src/registry/compiled-schema.js';
import {
  Code,
  defineContract,
  Payload,
  Reference,
  type PayloadOf,
} from '../../src/registry/contract.js';
import { schemaDocument, schemaId } from '../../src/registry/publish.js';

describe('event contracts', () => {
  it('infers the payload type from the schema', () => {
    type Created = PayloadOf<typeof TicketCreatedV1>;
    expectTypeOf<Created['priority']>().toEqualTypeOf<'low' | 'normal' | 'high' | 'urgent'>();
    expectTypeOf<Created['customer_id']>().toEqualTypeOf<string>();
    expectTypeOf<Created['project_id']>().toEqualTypeOf<string | undefined>();
    expect(TicketCreatedV1.document.required).toEqual([
      'customer_id',
      'priority',
      'response_due_at',
      'resolution_due_at',
      'sla_version',
    ]);
  });

  it('stores plain JSON Schema with closed objects and declared references', () => {
    expect(JSON.parse(JSON.stringify(TicketCreatedV1.document))).toEqual(TicketCreatedV1.document);
    expect(TicketCreatedV1.document).toMatchObject({
      type: 'object',
      additionalProperties: false,
      properties: { customer_id: { type: 'string', 'x-pet-reference': 'customer' } },
    });
  });

  it('refuses a contract whose type name breaks the grammar', () => {
    expect(() =>
      defineContract({
        eventType: 'TicketCreated',
        schemaVersion: 1,
        schema: Payload({ a: Code('x') }),
      }),
    ).toThrow(EventTypeInvalidError);
  });

  it('hashes the same schema the same whatever its key order', () => {
    const a = {
      type: 'object',
      properties: { b: { type: 'string' }, a: { type: 'integer' } },
      additionalProperties: false,
    };
    const b = {
      additionalProperties: false,
      properties: { a: { type: 'integer' }, b: { type: 'string' } },
      type: 'object',
    };
    expect(canonicalJson(a)).toBe(
      '{"additionalProperties":false,"properties":{"a":{"type":"integer"},"b":{"type":"string"}},"type":"object"}',
    );
    expect(canonicalSha256(a)).toBe(canonicalSha256(b));
    expect(canonicalSha256(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(canonicalSha256({ ...a, required: ['a'] })).not.toBe(canonicalSha256(a));
  });

  it('finds the references a payload holds, with JSON pointers', () => {
    const compiled = compileSchema(
      defineContract({
        eventType: 'team.members_set',
        schemaVersion: 1,
        schema: Payload({
          team_id: Reference('team'),
          members: Type.Array(
            Payload({ employee_id: Reference('employee'), role: Code('member', 'lead') }),
          ),
        }),
      }).document,
    );
    expect(
      compiled.references({
        team_id: 'TM-1',
        members: [
          { employee_id: 'E-1', role: 'lead' },
          { employee_id: 'E-2', role: 'member' },
        ],
      }),
    ).toEqual([
      { pointer: '/team_id', context: { type: 'team', id: 'TM-1' } },
      { pointer: '/members/0/employee_id', context: { type: 'employee', id: 'E-1' } },
      { pointer: '/members/1/employee_id', context: { type: 'employee', id: 'E-2' } },
    ]);
  });

  it('escapes a property name in a reference pointer (RFC 6901)', () => {
    const compiled = compileSchema({
      type: 'object',
      properties: {
        'a/b~c': {
          type: 'object',
          properties: { 'x~/y': { type: 'string', 'x-pet-reference': 'team' } },
        },
      },
    });
    expect(compiled.references({ 'a/b~c': { 'x~/y': 'TM-1' } })).toEqual([
      { pointer: '/a~1b~0c/x~0~1y', context: { type: 'team', id: 'TM-1' } },
    ]);
  });

  it('takes a property named "*" for itself, not for every value beside it', () => {
    const compiled = compileSchema({
      type: 'object',
      properties: {
        '*': { type: 'string', 'x-pet-reference': 'team' },
        note: { type: 'string' },
        list: { type: 'array', items: { type: 'string', 'x-pet-reference': 'employee' } },
      },
    });
    expect(compiled.references({ '*': 'TM-1', note: 'not a team', list: ['E-1'] })).toEqual([
      { pointer: '/*', context: { type: 'team', id: 'TM-1' } },
      { pointer: '/list/0', context: { type: 'employee', id: 'E-1' } },
    ]);
  });

  it('finds references in the values of a map', () => {
    const compiled = compileSchema(
      defineContract({
        eventType: 'team.roles_set',
        schemaVersion: 1,
        schema: Payload({
          roles: Type.Object(
            {},
            { additionalProperties: Payload({ employee_id: Reference('employee') }) },
          ),
        }),
      }).document,
    );
    expect(compiled.references({ roles: { lead: { employee_id: 'E-1' } } })).toEqual([
      { pointer: '/roles/lead/employee_id', context: { type: 'employee', id: 'E-1' } },
    ]);
  });

  it('publishes each version as a document whose $id serves as the CloudEvents dataschema', () => {
    expect(schemaId('ticket.created', 1)).toBe('urn:pet-events:schema:ticket.created:1');
    expect(schemaId('ticket.created', 2, 'https://pet.example/v1/schemas')).toBe(
      'https://pet.example/v1/schemas/ticket.created/2',
    );
    const document = schemaDocument({
      eventType: 'ticket.created',
      schemaVersion: 1,
      schema: TicketCreatedV1.document,
    });
    expect(document).toMatchObject({
      $id: 'urn:pet-events:schema:ticket.created:1',
      type: 'object',
    });
  });
});
