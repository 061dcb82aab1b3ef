import type { Database } from 'better-sqlite3';
import type { JsonValue } from '../../events/types.js';
import type { ClaimOutcome, IdempotencyClaim } from '../idempotency.js';
import { prepared } from './queryable.js';

const INSERT_SQL = `INSERT INTO unit_of_work_keys (command, principal, idempotency_key, fingerprint, correlation_id)
  VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`;
const SELECT_SQL = `SELECT fingerprint, correlation_id, result FROM unit_of_work_keys
  WHERE command = ? AND principal = ? AND idempotency_key = ?`;

/**
 * Claims an idempotency key in the caller's write transaction. SQLite has one writer at a
 * time, so whoever claims first has committed (or rolled back) before the next one looks.
 */
export function claimIdempotencyKey(db: Database, claim: IdempotencyClaim): ClaimOutcome {
  const inserted = prepared(db, INSERT_SQL).run(
    claim.command,
    claim.principal,
    claim.key,
    claim.fingerprint,
    claim.correlationId,
  );
  if (inserted.changes === 1) return { claimed: true };
  const row = prepared(db, SELECT_SQL).get(claim.command, claim.principal, claim.key) as {
    fingerprint: string;
    correlation_id: string;
    result: string | null;
  };
  return {
    claimed: false,
    recorded: {
      fingerprint: row.fingerprint,
      correlationId: row.correlation_id,
      result: row.result === null ? null : (JSON.parse(row.result) as JsonValue),
    },
  };
}

/** Stores the result of the unit that claimed the key. */
export function recordIdempotencyResult(
  db: Database,
  claim: IdempotencyClaim,
  result: JsonValue | null,
): void {
  prepared(
    db,
    'UPDATE unit_of_work_keys SET result = ? WHERE command = ? AND principal = ? AND idempotency_key = ?',
  ).run(result === null ? null : JSON.stringify(result), claim.command, claim.principal, claim.key);
}
