import { describe } from 'vitest';
import { auditConformance } from '../conformance/audit-suite.js';
import { integrityConformance } from '../conformance/integrity-suite.js';
import { consumerOperationsConformance } from '../conformance/consumer-operations-suite.js';
import { consumerConformance } from '../conformance/consumer-suite.js';
import { contractConformance } from '../conformance/contracts-suite.js';
import { eventStoreConformance } from '../conformance/event-store-suite.js';
import { feedConformance } from '../conformance/feed-suite.js';
import { kpiConformance } from '../conformance/kpi-suite.js';
import { petScenarioConformance } from '../conformance/pet-scenarios-suite.js';
import { stateMachineConformance } from '../conformance/pet-state-machines-suite.js';
import { runnerConformance } from '../conformance/runner-suite.js';
import { unitOfWorkConformance } from '../conformance/unit-of-work-suite.js';
import { sqliteFactory } from '../support/databases.js';

describe('SQLite event store', () => {
  eventStoreConformance(sqliteFactory);
  contractConformance(sqliteFactory);
  unitOfWorkConformance(sqliteFactory);
  consumerConformance(sqliteFactory);
  runnerConformance(sqliteFactory);
  consumerOperationsConformance(sqliteFactory);
  stateMachineConformance(sqliteFactory);
  petScenarioConformance(sqliteFactory);
  feedConformance(sqliteFactory);
  kpiConformance(sqliteFactory);
  auditConformance(sqliteFactory);
  integrityConformance(sqliteFactory);
});
