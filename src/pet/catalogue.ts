/**
 * Every event contract the code declares. `pet-events migrate` (and every start) registers
 * them; old versions stay listed for as long as events of them exist, which is forever.
 */
import type { EventContract } from '../registry/contract.js';
import { TicketCreatedV1, TicketStatusChangedV1 } from './ticket/contracts.js';

export const PET_CONTRACTS: readonly EventContract[] = [TicketCreatedV1, TicketStatusChangedV1];
