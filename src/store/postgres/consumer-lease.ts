import pg from 'pg';
import type { ConsumerLease } from '../consumer-lease.js';

const LOCK_KEY = "hashtext(current_schema() || '/consumer/' || $1)";

/**
 * Takes a session-level advisory lock for the consumer on a connection of its own. The lock
 * lives exactly as long as that connection: if the holding process dies, PostgreSQL drops the
 * connection and the lock with it, and a standby runner takes over.
 */
export async function acquireConsumerLease(
  config: pg.ClientConfig,
  consumer: string,
): Promise<ConsumerLease | undefined> {
  // Named, so an operator can see which connection holds which consumer.
  const client = new pg.Client({ ...config, application_name: `pet-events consumer ${consumer}` });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>(
      `SELECT pg_try_advisory_lock(${LOCK_KEY}) AS locked`,
      [consumer],
    );
    if (!rows[0]?.locked) {
      await client.end();
      return undefined;
    }
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return {
    release: async () => {
      await client
        .query(`SELECT pg_advisory_unlock(${LOCK_KEY})`, [consumer])
        .catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}
