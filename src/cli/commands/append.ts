import { readFileSync } from 'node:fs';
import { CliUsageError } from '../../events/errors.js';
import { toWireEvent } from '../../events/wire.js';
import type { JsonObject } from '../../events/types.js';
import type { EventStore } from '../../store/event-store.js';
import {
  employeePrincipal,
  systemPrincipal,
  type Principal,
} from '../../unit-of-work/principal.js';
import { createUnitOfWork } from '../../unit-of-work/unit-of-work.js';
import type { Output } from '../output.js';
import { formatEventLine } from './events.js';
import { parseContext } from './audit.js';

export interface AppendOptions {
  readonly version: string;
  readonly context: string;
  readonly payload: string;
  readonly as: string;
  readonly occurredAt?: string;
  readonly idempotencyKey?: string;
  readonly newContext: boolean;
  readonly json: boolean;
}

/**
 * `pet-events append TYPE --version N --context TYPE/ID --payload JSON|@FILE --as PRINCIPAL`:
 * one event in a unit of work of its own, with every rule of an append (registered open
 * version, valid payload, resolvable context, references and actor).
 */
export async function appendCommand(
  store: EventStore,
  output: Output,
  eventType: string,
  options: AppendOptions,
): Promise<void> {
  const schemaVersion = /^[1-9]\d{0,8}$/.test(options.version) ? Number(options.version) : NaN;
  if (Number.isNaN(schemaVersion)) {
    throw new CliUsageError(`--version must be a positive whole number, got ${options.version}`);
  }
  const context = parseContext(options.context);
  const payload = parsePayload(options.payload);
  const principal = parsePrincipal(options.as);
  const outcome = await createUnitOfWork(store).run(
    {
      principal,
      command: 'cli.append',
      input: { eventType, schemaVersion, context: options.context, payload },
      ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
    },
    async (unit) => {
      if (options.newContext) await unit.registerContext(context);
      unit.emit({
        eventType,
        schemaVersion,
        context,
        payload,
        ...(options.occurredAt === undefined ? {} : { occurredAt: options.occurredAt }),
      });
    },
  );
  for (const event of outcome.events) {
    output.out(options.json ? JSON.stringify(toWireEvent(event)) : formatEventLine(event));
  }
  if (outcome.replayed)
    output.err('Replayed: the idempotency key was used before; nothing was written.');
}

function parsePayload(text: string): JsonObject {
  let source = text;
  if (text.startsWith('@')) {
    try {
      source = readFileSync(text.slice(1), 'utf8');
    } catch (error) {
      throw new CliUsageError(`--payload ${text}: ${(error as Error).message}`);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch {
    throw new CliUsageError('--payload must be a JSON object (or @FILE holding one)');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliUsageError('--payload must be a JSON object (or @FILE holding one)');
  }
  return value as JsonObject;
}

function parsePrincipal(text: string): Principal {
  const match = /^(employee|system):(.+)$/.exec(text);
  if (match === null) {
    throw new CliUsageError(`--as must be employee:ID or system:NAME, got ${JSON.stringify(text)}`);
  }
  return match[1] === 'employee'
    ? employeePrincipal(match[2] ?? '')
    : systemPrincipal(match[2] ?? '');
}
