import type { JsonValue } from '../../events/types.js';
import type { ClaimOutcome, IdempotencyClaim } from '../idempotency.js';
import { query, type Queryable } from './queryable.js';

// A concurrent unit that inserted the same key first makes this insert wait on the primary
// key until it commits (then DO NOTHING, and the row is visible to the SELECT that follows,
// as READ COMMITTED takes a fresh snapshot per statement) or rolls back (then the insert
// goes through). So only one unit per key ever runs its work.
const INSERT_SQL = `INSERT INTO unit_of_work_keys (command, principal, idempotency_key, fingerprint, correlation_id)
  VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1`;
const SELECT_SQL = `SELECT fingerprint, correlation_id, result FROM unit_of_work_keys
  WHERE command = $1 AND principal = $2 AND idempotency_key = $3`;

/** Claims an idempotency key in the caller's transaction. */
export async function claimIdempotencyKey(
  db: Queryable,
  claim: IdempotencyClaim,
): Promise<ClaimOutcome> {
  const inserted = await query(db, 'pet_claim_idempotency_key', INSERT_SQL, [
    claim.command,
    claim.principal,
    claim.key,
    claim.fingerprint,
    claim.correlationId,
  ]);
  if (inserted.length === 1) return { claimed: true };
  const [row] = await query<{
    fingerprint: string;
    correlation_id: string;
    result: JsonValue | null;
  }>(db, 'pet_read_idempotency_key', SELECT_SQL, [claim.command, claim.principal, claim.key]);
  if (!row) throw new Error(`Idempotency key vanished: ${claim.key}`);
  return {
    claimed: false,
    recorded: {
      fingerprint: row.fingerprint,
      correlationId: row.correlation_id,
      result: row.result,
    },
  };
}

/** Stores the result of the unit that claimed the key. */
export async function recordIdempotencyResult(
  db: Queryable,
  claim: IdempotencyClaim,
  result: JsonValue | null,
): Promise<void> {
  await query(
    db,
    'pet_record_idempotency_result',
    'UPDATE unit_of_work_keys SET result = $1 WHERE command = $2 AND principal = $3 AND idempotency_key = $4',
    [result === null ? null : JSON.stringify(result), claim.command, claim.principal, claim.key],
  );
}
