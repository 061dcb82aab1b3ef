/**
 * Events on the wire as CloudEvents 1.0 (structured JSON mode), for export and relay:
 * `type` is the event type, `subject` the context (`type/id`), `time` the occurred_at,
 * `dataschema` the id of the event's schema version, `data` the payload; PET's own facts go in
 * extension attributes (lower-case names, as the specification asks).
 */
import { schemaId } from '../registry/publish.js';
import type { JsonObject, RecordedEvent } from './types.js';

/** The default `source` of exported events. */
export const DEFAULT_CLOUDEVENTS_SOURCE = 'urn:pet-events';

/** A recorded event as a structured-mode CloudEvent. */
export interface PetCloudEvent {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly subject: string;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly dataschema: string;
  readonly data: JsonObject;
  /** The event's global position (a decimal string: it is a 64-bit integer). */
  readonly petposition: string;
  readonly petschemaversion: number;
  readonly petcontextversion: number;
  readonly petrecordedat: string;
  /** The acting employee; absent for the system. */
  readonly petactor?: string;
  readonly petcorrelationid?: string;
  readonly petcausationid?: string;
  readonly petidempotencykey?: string;
  /** The event's entry in the audit chain, once sealed (a decimal string). */
  readonly petseq?: string;
  /** The chain's link at that entry (docs/integrity.md). */
  readonly petlink?: string;
}

/** A recorded event as a CloudEvent. */
export function toCloudEvent(
  event: RecordedEvent,
  source: string = DEFAULT_CLOUDEVENTS_SOURCE,
  chain?: { readonly seq: string; readonly link: string },
): PetCloudEvent {
  return {
    specversion: '1.0',
    id: event.id,
    source,
    type: event.eventType,
    subject: `${event.context.type}/${event.context.id}`,
    time: event.occurredAt,
    datacontenttype: 'application/json',
    dataschema: schemaId(event.eventType, event.schemaVersion),
    data: event.payload,
    petposition: event.position.toString(),
    petschemaversion: event.schemaVersion,
    petcontextversion: event.contextVersion,
    petrecordedat: event.recordedAt,
    ...(event.actorEmployeeId === null ? {} : { petactor: event.actorEmployeeId }),
    ...(event.correlationId === null ? {} : { petcorrelationid: event.correlationId }),
    ...(event.causationId === null ? {} : { petcausationid: event.causationId }),
    ...(event.idempotencyKey === null ? {} : { petidempotencykey: event.idempotencyKey }),
    ...(chain === undefined ? {} : { petseq: chain.seq, petlink: chain.link }),
  };
}
