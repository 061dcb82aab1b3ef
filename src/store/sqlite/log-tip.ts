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

/**
 * What has been appended: the last position and the version each context was given. A
 * transaction's changes sit on those of what it continues (a commit group's, in `bulk`
 * durability, and under all of them the tip's committed ones), and are read through them.
 */
export class TipChanges {
  head: bigint | undefined;
  readonly versions = new Map<string, number>();
  readonly #under: TipChanges | undefined;

  constructor(under?: TipChanges) {
    this.#under = under;
  }

  /** The last position appended here or under, if known. */
  lastPosition(): bigint | undefined {
    return this.head ?? this.#under?.lastPosition();
  }

  /** The version a context was given here or under, if known. */
  version(key: string): number | undefined {
    return this.versions.get(key) ?? this.#under?.version(key);
  }

  /** Takes in the changes of a transaction that ended well on top of these. */
  absorb(changes: TipChanges): void {
    if (changes.head === undefined) return;
    this.head = changes.head;
    for (const [key, version] of changes.versions) {
      if (this.versions.size >= MOST_CONTEXTS) this.versions.clear();
      this.versions.set(key, version);
    }
  }

  clear(): void {
    this.head = undefined;
    this.versions.clear();
  }
}

export class LogTip {
  #dataVersion: number | undefined;
  /** What the writer connection committed: the bottom of every transaction's changes. */
  readonly #committed = new TipChanges();

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

  /** The changes of a transaction starting now, on top of what was committed. */
  begin(): TipChanges {
    return new TipChanges(this.#committed);
  }

  /** Takes in what a transaction (or a commit group) appended, once it has committed. */
  commit(changes: TipChanges): void {
    this.#committed.absorb(changes);
  }

  /** Forgets everything: the next append looks the log up again. */
  forget(): void {
    this.#dataVersion = undefined;
    this.#committed.clear();
  }
}
