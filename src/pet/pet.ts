/**
 * PET's domain: every aggregate's commands over one event store. Each command is one unit
 * of work that writes the aggregate's row and emits the transition's events together.
 *
 * @example
 * const pet = createPet(store);
 * const as = { principal: employeePrincipal('E-ada') };
 * await pet.tickets.create(as, { id: 'T-1', customerId: 'C-1', subject: 'VPN down', priority: 'high' });
 * await pet.tickets.changeStatus(as, { id: 'T-1', to: 'open' });
 */
import type { EventStore } from '../store/event-store.js';
import { createUnitOfWork } from '../unit-of-work/unit-of-work.js';
import { CommandRunner } from './command.js';
import { CustomerCommands } from './customer/commands.js';
import { EmployeeCommands } from './employee/commands.js';
import { LeadCommands } from './lead/commands.js';
import { OpportunityCommands } from './opportunity/commands.js';
import { ProjectCommands } from './project/commands.js';
import { QuoteCommands } from './quote/commands.js';
import { TeamCommands } from './team/commands.js';
import { TicketCommands } from './ticket/commands.js';
import { TimeEntryCommands } from './time-entry/commands.js';

export interface Pet {
  readonly customers: CustomerCommands;
  readonly employees: EmployeeCommands;
  readonly teams: TeamCommands;
  readonly leads: LeadCommands;
  readonly opportunities: OpportunityCommands;
  readonly quotes: QuoteCommands;
  readonly projects: ProjectCommands;
  readonly timeEntries: TimeEntryCommands;
  readonly tickets: TicketCommands;
}

/** PET's commands over a migrated store whose contracts are synchronised (`syncContracts`). */
export function createPet(store: EventStore): Pet {
  const commands = new CommandRunner(createUnitOfWork(store));
  return {
    customers: new CustomerCommands(commands),
    employees: new EmployeeCommands(commands),
    teams: new TeamCommands(commands),
    leads: new LeadCommands(commands),
    opportunities: new OpportunityCommands(commands),
    quotes: new QuoteCommands(commands),
    projects: new ProjectCommands(commands),
    timeEntries: new TimeEntryCommands(commands),
    tickets: new TicketCommands(commands),
  };
}
