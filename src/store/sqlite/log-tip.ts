/**
 * Where the log ends, and the current versions of the contexts last appended to, as a store's
 * writer connection committed them: an append takes its positions and versions from here
 * instead of looking them up in the log's indexes (two lookups per unit of work).
 *
 * What the tip holds is true only while no other connection has written to the file since:
 * every append first reads the connection's `data_version` under the write lock, and a
 * changed one empties the tip. What a transaction appends is kept apart (`TipChanges`) and
 * joins the tip only once the transaction has committed; a rolled-back transaction's changes
 * are simply dropped, so the tip never runs ahead of the file (which would leave gaps). A tip
 * that lagged behind it could only make an append fail on the unique keys of positions and
 * context versions, never record a duplicate.
 */

/** How many contexts' versions the tip keeps; past that it starts again from empty. */
const MOST_CONTEXTS = 100_000;

/** The key of a context in the tip. */
export const contextKey = (type: string, id: string): string => `${type}\u0000${id}`;

export class LogTip {
  #dataVersion: number | undefined;
  #head: bigint | undefined;
  #versions = new Map<string, number>();

  /**
   * Called with the connection's `data_version` at each append, under the write lock: a
   * different one than the tip was kept under means another connection wrote, and the tip
   * is forgotten.
   */
  check(dataVersion: number): void {
    if (dataVersion !== this.#dataVersion) {
      this.forget();
      this.#dataVersion = dataVersion;
    }
  }

  /** The last committed position, if known. */
  get head(): bigint | undefined {
    return this.#head;
  }

  /** A context's committed version, if known. */
  version(key: string): number | undefined {
    return this.#versions.get(key);
  }

  /** Takes in what a transaction appended, once it has committed. */
  commit(changes: TipChanges): void {
    if (changes.head === undefined) return;
    this.#head = changes.head;
    for (const [key, version] of changes.versions) {
      if (this.#versions.size >= MOST_CONTEXTS) this.#versions = new Map();
      this.#versions.set(key, version);
    }
  }

  /** Forgets everything: the next append looks the log up again. */
  forget(): void {
    this.#dataVersion = undefined;
    this.#head = undefined;
    this.#versions = new Map();
  }
}

/**
 * What one transaction has appended: its last position and the versions it gave contexts.
 * In a commit group (`bulk` durability) each transaction's changes sit on the group's, which
 * take them in when its savepoint is released.
 */
export class TipChanges {
  head: bigint | undefined;
  readonly versions = new Map<string, number>();
  readonly #under: TipChanges | undefined;

  constructor(under?: TipChanges) {
    this.#under = under;
  }

  /** The last position appended here or under, if any. */
  lastPosition(): bigint | undefined {
    return this.head ?? this.#under?.lastPosition();
  }

  /** The version a context was given here or under, if any. */
  version(key: string): number | undefined {
    return this.versions.get(key) ?? this.#under?.version(key);
  }

  /** Takes in the changes of a transaction that ended well on top of these. */
  absorb(changes: TipChanges): void {
    if (changes.head === undefined) return;
    this.head = changes.head;
    for (const [key, version] of changes.versions) this.versions.set(key, version);
  }
}
