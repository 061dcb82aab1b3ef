import { EventEmitter } from 'node:events';
import pg from 'pg';

/** The shortest time between two announcements of one store. */
const ANNOUNCE_INTERVAL_MS = 25;
/** The first wait before reconnecting a lost LISTEN connection, doubled up to the most. */
const RECONNECT_FIRST_MS = 250;
const RECONNECT_MOST_MS = 5_000;

/**
 * LISTENs on pet_events_appended on a connection of its own and wakes this store's
 * listeners when events are appended to its schema, by any process. Reconnects after a lost
 * connection; consumers poll as a fallback meanwhile.
 *
 * Stores announce their own appends after commit, outside the appending transaction (see
 * `announce`): a NOTIFY inside it would make PostgreSQL serialise the commits of every
 * concurrent appender on its notification queue.
 */
export class AppendListener {
  readonly #config: pg.ClientConfig;
  readonly #signal = new EventEmitter();
  #client: pg.Client | undefined;
  #starting: Promise<void> | undefined;
  #closed = false;
  #announcing = false;
  #again = false;

  constructor(config: pg.ClientConfig) {
    this.#config = config;
    this.#signal.setMaxListeners(0);
  }

  /** Wakes `listener` on every append; returns the unsubscribe function. */
  on(listener: () => void): () => void {
    this.#signal.on('appended', listener);
    if (!this.#starting) this.#connect(RECONNECT_FIRST_MS);
    return () => this.#signal.off('appended', listener);
  }

  /** Wakes this store's listeners now (after a commit of this process). */
  emit(): void {
    this.#signal.emit('appended');
  }

  /**
   * Tells other processes, after a commit, that events were appended. Not awaited by the
   * appender. Announcements are coalesced: one NOTIFY at a time and at most one per
   * `ANNOUNCE_INTERVAL_MS`, with one more for the appends that committed meanwhile, so a busy
   * writer spends a few NOTIFYs a second, not one per transaction.
   */
  announce(notify: () => Promise<unknown>): void {
    if (this.#announcing) {
      this.#again = true;
      return;
    }
    this.#announcing = true;
    void notify()
      .catch(() => undefined)
      .finally(() => {
        setTimeout(() => {
          this.#announcing = false;
          if (this.#again && !this.#closed) {
            this.#again = false;
            this.announce(notify);
          }
        }, ANNOUNCE_INTERVAL_MS).unref();
      });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#client?.end().catch(() => undefined);
  }

  /**
   * Connects and LISTENs; after a failure, tries again later (waiting twice as long each time,
   * up to 5 s) for as long as anyone listens. A connection that comes back wakes the listeners:
   * events may have been appended while it was away.
   */
  #connect(wait: number, reconnecting = false): void {
    this.#starting = this.#start().then(
      () => {
        if (reconnecting) this.#signal.emit('appended');
      },
      () => {
        setTimeout(() => {
          if (!this.#closed && this.#signal.listenerCount('appended') > 0) {
            this.#connect(Math.min(wait * 2, RECONNECT_MOST_MS), true);
          } else {
            this.#starting = undefined;
          }
        }, wait).unref();
      },
    );
  }

  async #start(): Promise<void> {
    const client = new pg.Client(this.#config);
    client.on('error', () => undefined);
    client.on('end', () => {
      if (this.#client !== client) return;
      this.#client = undefined;
      this.#starting = undefined;
      if (!this.#closed && this.#signal.listenerCount('appended') > 0) {
        this.#connect(RECONNECT_FIRST_MS, true);
      }
    });
    await client.connect();
    const { rows } = await client.query<{ schema: string }>('SELECT current_schema() AS schema');
    const schema = rows[0]?.schema;
    client.on('notification', (message) => {
      if (message.payload === schema) this.#signal.emit('appended');
    });
    await client.query('LISTEN pet_events_appended');
    if (this.#closed) await client.end();
    else this.#client = client;
  }
}
