import type { ReadChainOptions, StoredChainEntry } from '../event-store.js';
import { chainRead } from '../read-options.js';
import { queryArrays, type Queryable } from './queryable.js';

const SQL = `SELECT seq, position, event_id, link FROM audit_chain
  WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3`;

/** The audit chain's entries after `after` (through `through`), as rows of plain values. */
export async function readChain(
  db: Queryable,
  options: ReadChainOptions,
): Promise<StoredChainEntry[]> {
  const { after, through, limit } = chainRead(options);
  return queryArrays<[string, string, string, string]>(db, 'pet_read_chain', SQL, [
    after.toString(),
    through.toString(),
    limit,
  ]);
}
