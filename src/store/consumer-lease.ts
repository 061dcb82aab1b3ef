/** The right to run one consumer: held by one runner at a time. */
export interface ConsumerLease {
  /** Gives the lease up for another runner. */
  release(): Promise<void>;
}
