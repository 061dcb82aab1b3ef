-- 0004 PET domain
-- The current state of PET's aggregates, one table each. PET is event-driven, not
-- event-sourced: every command writes its aggregate's row here and emits its events in the
-- same unit of work; the events are the history, these rows the present.
-- Instants are RFC 3339 UTC text (they sort as they compare); money is integer minor units.

CREATE TABLE pet_customers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  legal_name TEXT CHECK (legal_name IS NULL OR length(legal_name) BETWEEN 1 AND 200),
  status TEXT NOT NULL CHECK (status IN ('active', 'archived')),
  created_at TEXT NOT NULL,
  archived_at TEXT
) STRICT;

CREATE TABLE pet_employees (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  email TEXT NOT NULL UNIQUE CHECK (length(email) BETWEEN 3 AND 320),
  role TEXT NOT NULL
    CHECK (role IN ('admin', 'executive', 'manager', 'sales', 'delivery', 'support', 'member')),
  manager_id TEXT REFERENCES pet_employees (id),
  status TEXT NOT NULL CHECK (status IN ('active', 'inactive')),
  hired_at TEXT NOT NULL,
  left_at TEXT
) STRICT;

CREATE TABLE pet_teams (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  parent_team_id TEXT REFERENCES pet_teams (id),
  manager_id TEXT NOT NULL REFERENCES pet_employees (id),
  created_at TEXT NOT NULL
) STRICT;

-- Memberships over time: a removal closes the row, so "who was in which team at that moment"
-- stays answerable.
CREATE TABLE pet_team_memberships (
  team_id TEXT NOT NULL REFERENCES pet_teams (id),
  employee_id TEXT NOT NULL REFERENCES pet_employees (id),
  role TEXT NOT NULL CHECK (role IN ('member', 'lead')),
  joined_at TEXT NOT NULL,
  left_at TEXT CHECK (left_at IS NULL OR left_at >= joined_at),
  PRIMARY KEY (team_id, employee_id, joined_at)
) STRICT;
CREATE UNIQUE INDEX pet_team_memberships_current
  ON pet_team_memberships (team_id, employee_id) WHERE left_at IS NULL;
CREATE INDEX pet_team_memberships_employee ON pet_team_memberships (employee_id, joined_at);

CREATE TABLE pet_leads (
  id TEXT PRIMARY KEY,
  subject TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 500),
  source TEXT NOT NULL
    CHECK (source IN ('email', 'phone', 'in_person', 'social', 'website', 'referral')),
  customer_id TEXT REFERENCES pet_customers (id),
  estimated_value_minor INTEGER,
  currency TEXT CHECK ((estimated_value_minor IS NULL) = (currency IS NULL)),
  status TEXT NOT NULL CHECK (status IN ('new', 'qualified', 'disqualified', 'converted')),
  disqualified_reason TEXT,
  opportunity_id TEXT,
  created_at TEXT NOT NULL,
  decided_at TEXT
) STRICT;

CREATE TABLE pet_opportunities (
  id TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL REFERENCES pet_customers (id),
  lead_id TEXT UNIQUE REFERENCES pet_leads (id),
  owner_id TEXT NOT NULL REFERENCES pet_employees (id),
  estimated_value_minor INTEGER NOT NULL CHECK (estimated_value_minor >= 0),
  currency TEXT NOT NULL,
  class TEXT CHECK (class IN ('gold', 'silver', 'bronze')),
  status TEXT NOT NULL CHECK (status IN ('open', 'won', 'lost')),
  lost_reason TEXT,
  created_at TEXT NOT NULL,
  decided_at TEXT
) STRICT;

CREATE TABLE pet_quotes (
  id TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL REFERENCES pet_customers (id),
  opportunity_id TEXT REFERENCES pet_opportunities (id),
  version INTEGER NOT NULL CHECK (version >= 1),
  currency TEXT NOT NULL,
  sell_total_minor INTEGER NOT NULL CHECK (sell_total_minor >= 0),
  cost_total_minor INTEGER NOT NULL CHECK (cost_total_minor >= 0),
  valid_until TEXT NOT NULL,
  sold_minutes INTEGER NOT NULL CHECK (sold_minutes >= 0),
  status TEXT NOT NULL CHECK (status IN ('draft', 'sent', 'accepted', 'rejected')),
  project_id TEXT UNIQUE,
  created_at TEXT NOT NULL,
  sent_at TEXT,
  decided_at TEXT
) STRICT;

CREATE TABLE pet_projects (
  id TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL REFERENCES pet_customers (id),
  quote_id TEXT UNIQUE REFERENCES pet_quotes (id),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  sold_minutes INTEGER NOT NULL CHECK (sold_minutes >= 0),
  logged_minutes INTEGER NOT NULL DEFAULT 0,
  in_variance INTEGER NOT NULL DEFAULT 0 CHECK (in_variance IN (0, 1)),
  status TEXT NOT NULL CHECK (status IN ('active', 'completed')),
  created_at TEXT NOT NULL,
  completed_at TEXT
) STRICT;

CREATE TABLE pet_tickets (
  id TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL REFERENCES pet_customers (id),
  project_id TEXT REFERENCES pet_projects (id),
  subject TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 500),
  priority TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  sla_version INTEGER NOT NULL CHECK (sla_version >= 1),
  response_due_at TEXT NOT NULL,
  resolution_due_at TEXT NOT NULL,
  assigned_employee_id TEXT REFERENCES pet_employees (id),
  assigned_team_id TEXT REFERENCES pet_teams (id),
  status TEXT NOT NULL CHECK (status IN ('new', 'open', 'pending', 'resolved', 'closed')),
  escalation_stage INTEGER NOT NULL DEFAULT 0 CHECK (escalation_stage >= 0),
  created_at TEXT NOT NULL,
  responded_at TEXT,
  resolved_at TEXT,
  closed_at TEXT,
  CHECK (assigned_employee_id IS NULL OR assigned_team_id IS NULL)
) STRICT;

-- One SLA clock per ticket and kind. `elapsed_seconds` is the running time banked before
-- `running_since` (null while paused or stopped). `warning_due_at` / `breach_due_at` are the
-- instants the thresholds fall due if the clock keeps running, or fell due; null while paused
-- before reaching them, or once stopped before them. `next_check_at` is the earliest due
-- threshold not yet fired. `warning_fired_at` / `breached_fired_at` are written once, by the
-- unit that emits the event; `revision` makes every change of a clock a compare-and-set.
CREATE TABLE pet_sla_clocks (
  ticket_id TEXT NOT NULL REFERENCES pet_tickets (id),
  kind TEXT NOT NULL CHECK (kind IN ('response', 'resolution')),
  sla_version INTEGER NOT NULL CHECK (sla_version >= 1),
  target_seconds INTEGER NOT NULL CHECK (target_seconds > 0),
  warning_seconds INTEGER NOT NULL CHECK (warning_seconds > 0 AND warning_seconds <= target_seconds),
  elapsed_seconds INTEGER NOT NULL DEFAULT 0 CHECK (elapsed_seconds >= 0),
  running_since TEXT,
  warning_due_at TEXT,
  breach_due_at TEXT,
  next_check_at TEXT,
  state TEXT NOT NULL CHECK (state IN ('active', 'warning', 'breached')),
  warning_fired_at TEXT,
  breached_fired_at TEXT,
  stopped_at TEXT,
  revision INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (ticket_id, kind)
) STRICT;
CREATE INDEX pet_sla_clocks_next_check ON pet_sla_clocks (next_check_at)
  WHERE next_check_at IS NOT NULL;

CREATE TABLE pet_time_entries (
  id TEXT PRIMARY KEY,
  employee_id TEXT NOT NULL REFERENCES pet_employees (id),
  ticket_id TEXT REFERENCES pet_tickets (id),
  project_id TEXT REFERENCES pet_projects (id),
  started_at TEXT NOT NULL,
  ended_at TEXT NOT NULL CHECK (ended_at >= started_at),
  minutes INTEGER NOT NULL CHECK (minutes > 0 OR (minutes = 0 AND corrects_id IS NOT NULL)),
  billable INTEGER NOT NULL CHECK (billable IN (0, 1)),
  work_type TEXT NOT NULL CHECK (work_type IN ('project', 'support', 'internal')),
  status TEXT NOT NULL CHECK (status IN ('submitted', 'locked')),
  corrects_id TEXT UNIQUE REFERENCES pet_time_entries (id),
  submitted_at TEXT NOT NULL,
  locked_at TEXT,
  CHECK (ticket_id IS NULL OR project_id IS NULL)
) STRICT;
CREATE INDEX pet_time_entries_employee ON pet_time_entries (employee_id, status);
