/**
 * What a consumer's active runner reports about itself, as stored.
 */

/** A consumer's state: waiting for the lease, catching up, following the log, failing … */
export type ConsumerState =
  'standby' | 'catching-up' | 'live' | 'failing' | 'stopped' | 'rebuilding';

/** The failure a consumer is stopped at, and retrying. */
export interface ConsumerFailure {
  readonly message: string;
  readonly code: string | null;
  readonly position: bigint | null;
  readonly eventId: string | null;
  readonly at: string;
}

/** A consumer's last reported state. */
export interface StoredConsumerStatus {
  readonly consumer: string;
  readonly state: ConsumerState;
  readonly lastError: ConsumerFailure | null;
  readonly updatedAt: string;
}

/** How much of the log lies after a position: how many events, and the oldest one's age. */
export interface Backlog {
  readonly events: number;
  /** When the oldest event after the position was recorded; null when there is none. */
  readonly oldestRecordedAt: string | null;
}

/** The statement both databases run to record a status (`$n` placeholders). */
export const SAVE_STATUS_SQL = `INSERT INTO consumer_status (consumer_name, state, error_code,
    error_message, error_position, error_event_id, error_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
  ON CONFLICT (consumer_name) DO UPDATE SET state = excluded.state,
    error_code = excluded.error_code, error_message = excluded.error_message,
    error_position = excluded.error_position, error_event_id = excluded.error_event_id,
    error_at = excluded.error_at, updated_at = excluded.updated_at`;

/** The values of SAVE_STATUS_SQL, in order. */
export function statusParameters(status: StoredConsumerStatus): (string | null)[] {
  const error = status.lastError;
  return [
    status.consumer,
    status.state,
    error?.code ?? null,
    error?.message.slice(0, 2000) ?? null,
    error?.position === null || error?.position === undefined ? null : error.position.toString(),
    error?.eventId ?? null,
    error?.at ?? null,
    status.updatedAt,
  ];
}

/** A stored row, as either database returns it. */
export interface StatusRow {
  consumer_name: string;
  state: ConsumerState;
  error_code: string | null;
  error_message: string | null;
  error_position: string | number | bigint | null;
  error_event_id: string | null;
  error_at: string | null;
  updated_at: string;
}

export const READ_STATUS_SQL = `SELECT consumer_name, state, error_code, error_message,
  error_position, error_event_id, error_at, updated_at FROM consumer_status ORDER BY consumer_name`;

export function mapStatusRow(row: StatusRow): StoredConsumerStatus {
  return {
    consumer: row.consumer_name,
    state: row.state,
    lastError:
      row.error_message === null
        ? null
        : {
            message: row.error_message,
            code: row.error_code,
            position: row.error_position === null ? null : BigInt(row.error_position),
            eventId: row.error_event_id,
            at: row.error_at ?? row.updated_at,
          },
    updatedAt: row.updated_at,
  };
}
