/**
 * The event store conformance suite: every storage behaviour, run once per adapter.
 */
import { describe } from 'vitest';
import type { DatabaseFactory } from '../support/databases.js';
import { appendingConformance } from './appending-suite.js';
import { databaseRulesConformance } from './database-rules-suite.js';
import { useSeededDatabase } from './harness.js';
import { readingConformance } from './reading-suite.js';

/** Runs every storage behaviour against the databases `factory` makes. */
export function eventStoreConformance(factory: DatabaseFactory): void {
  describe('event log', () => {
    const harness = useSeededDatabase(factory);
    databaseRulesConformance(harness);
    appendingConformance(harness);
    readingConformance(harness);
  });
}
