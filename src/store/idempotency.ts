import type { JsonValue } from '../events/types.js';

/** An idempotency key as a unit of work claims it. */
export interface IdempotencyClaim {
  readonly command: string;
  /** `employee:E-1` or `system:sla-evaluator`. */
  readonly principal: string;
  readonly key: string;
  /** sha256 of the canonical command and input. */
  readonly fingerprint: string;
  readonly correlationId: string;
}

/** A key recorded by an earlier run. */
export interface RecordedIdempotencyKey {
  readonly fingerprint: string;
  readonly correlationId: string;
  readonly result: JsonValue | null;
}

/** What claiming a key found: it was free (now ours), or an earlier run holds it. */
export type ClaimOutcome =
  | { readonly claimed: true }
  | { readonly claimed: false; readonly recorded: RecordedIdempotencyKey };
