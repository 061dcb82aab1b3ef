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
import { serveConformance } from '../conformance/serve-suite.js';
import { serviceConformance } from '../conformance/service-suite.js';
import { unitOfWorkConformance } from '../conformance/unit-of-work-suite.js';
import { postgresFactory } from '../support/databases.js';

describe.skipIf(postgresFactory.skipReason !== undefined)(
  `PostgreSQL event store${postgresFactory.skipReason ? ` (SKIPPED: ${postgresFactory.skipReason})` : ''}`,
  () => {
    eventStoreConformance(postgresFactory);
    contractConformance(postgresFactory);
    unitOfWorkConformance(postgresFactory);
    consumerConformance(postgresFactory);
    runnerConformance(postgresFactory);
    consumerOperationsConformance(postgresFactory);
    stateMachineConformance(postgresFactory);
    petScenarioConformance(postgresFactory);
    feedConformance(postgresFactory);
    kpiConformance(postgresFactory);
    auditConformance(postgresFactory);
    integrityConformance(postgresFactory);
    serviceConformance(postgresFactory);
    serveConformance(postgresFactory);
  },
);
