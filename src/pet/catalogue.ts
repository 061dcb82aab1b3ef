/**
 * Every event contract the code declares. `pet-events migrate` (and every start) registers
 * them; old versions stay listed for as long as events of them exist, which is forever.
 */
import type { EventContract } from '../registry/contract.js';
import { CustomerArchivedV1, CustomerCreatedV1 } from './customer/contracts.js';
import { EmployeeHiredV1, EmployeeLeftV1 } from './employee/contracts.js';
import {
  LeadConvertedV1,
  LeadCreatedV1,
  LeadDisqualifiedV1,
  LeadQualifiedV1,
} from './lead/contracts.js';
import {
  OpportunityClassifiedV1,
  OpportunityCreatedV1,
  OpportunityLostV1,
  OpportunityWonV1,
} from './opportunity/contracts.js';
import {
  ProjectCompletedV1,
  ProjectCreatedV1,
  ProjectVarianceDetectedV1,
} from './project/contracts.js';
import {
  QuoteAcceptedV1,
  QuoteCreatedV1,
  QuoteRejectedV1,
  QuoteSentV1,
} from './quote/contracts.js';
import { TeamCreatedV1, TeamMemberAddedV1, TeamMemberRemovedV1 } from './team/contracts.js';
import {
  SlaBreachedV1,
  SlaWarningV1,
  TicketAssignedV1,
  TicketClosedV1,
  TicketCreatedV1,
  TicketEscalatedV1,
  TicketResolvedV1,
  TicketStatusChangedV1,
} from './ticket/contracts.js';
import {
  TimeEntryCorrectedV1,
  TimeEntryLockedV1,
  TimeEntrySubmittedV1,
} from './time-entry/contracts.js';

export const PET_CONTRACTS = [
  CustomerCreatedV1,
  CustomerArchivedV1,
  EmployeeHiredV1,
  EmployeeLeftV1,
  TeamCreatedV1,
  TeamMemberAddedV1,
  TeamMemberRemovedV1,
  LeadCreatedV1,
  LeadQualifiedV1,
  LeadDisqualifiedV1,
  LeadConvertedV1,
  OpportunityCreatedV1,
  OpportunityClassifiedV1,
  OpportunityWonV1,
  OpportunityLostV1,
  QuoteCreatedV1,
  QuoteSentV1,
  QuoteAcceptedV1,
  QuoteRejectedV1,
  ProjectCreatedV1,
  ProjectVarianceDetectedV1,
  ProjectCompletedV1,
  TimeEntrySubmittedV1,
  TimeEntryLockedV1,
  TimeEntryCorrectedV1,
  TicketCreatedV1,
  TicketAssignedV1,
  TicketStatusChangedV1,
  TicketResolvedV1,
  TicketClosedV1,
  TicketEscalatedV1,
  SlaWarningV1,
  SlaBreachedV1,
] as const satisfies readonly EventContract[];
