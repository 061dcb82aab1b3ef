/**
 * The consumers PET runs, by name: `pet-events consumers status|rebuild|verify` know these.
 */
import type { Consumer } from '../../consumers/consumer.js';
import { feedProjector } from '../feed/projector.js';
import { kpiProjector } from '../kpi/projector.js';
import { timeByEmployee } from './time-by-employee.js';

export const PET_CONSUMERS: readonly Consumer[] = [timeByEmployee, feedProjector, kpiProjector];
