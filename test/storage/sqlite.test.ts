import { describe } from 'vitest';
import { eventStoreConformance } from '../conformance/event-store-suite.js';
import { sqliteFactory } from '../support/databases.js';

describe('SQLite event store', () => {
  eventStoreConformance(sqliteFactory);
});
