/** The JSON the page reads from `/v1` (docs/service.md, docs/feed.md, docs/kpi.md, docs/audit.md). */

export interface Named {
  readonly id: string;
  readonly name: string;
}

export interface Session {
  readonly kind: 'employee' | 'system';
  readonly id: string;
  readonly name: string;
  readonly roles: readonly string[];
  readonly abilities: Abilities;
  readonly scopes: {
    readonly teams: readonly Named[];
    readonly customers: readonly Named[];
    readonly projects: readonly Named[];
  };
  readonly eventTypes: readonly string[];
}

/** What the signed-in viewer may open, as the service says. */
export interface Abilities {
  readonly feed: boolean;
  /** KPIs of any scope; otherwise only the viewer's own (`employee:ID`). */
  readonly kpisOfAnyScope: boolean;
  readonly audit: boolean;
}

export type Severity = 'info' | 'attention' | 'risk' | 'breach' | 'commercial';

export interface FeedItem {
  readonly id: string;
  readonly occurredAt: string;
  readonly eventType: string;
  readonly schemaVersion: number;
  readonly severity: Severity;
  readonly actorId: string | null;
  readonly context: { readonly type: string; readonly id: string };
  readonly headline: string;
  readonly detail: string;
  readonly eventIds: readonly string[];
}

export interface FeedPage {
  readonly items: readonly FeedItem[];
  readonly nextCursor: string | null;
}

export interface Reaction {
  readonly id: string;
  readonly itemId: string;
  readonly employeeId: string;
  readonly kind: 'comment' | 'mention' | 'acknowledgement';
  readonly body: string | null;
  readonly mentionedEmployeeId: string | null;
  readonly createdAt: string;
}

export type KpiScopeKind = 'organisation' | 'employee' | 'team' | 'customer' | 'project';

export interface KpiDefinition {
  readonly key: string;
  readonly version: number;
  readonly title: string;
  readonly description?: string;
  readonly unit: 'count' | 'minutes' | 'percent' | 'ratio';
  readonly direction: 'higher_is_better' | 'lower_is_better';
  readonly scopes: readonly KpiScopeKind[];
  readonly thresholds?: { readonly target: number; readonly breach: number };
  readonly group_by?: string;
}

export type Classification = 'good' | 'warning' | 'breach' | 'unclassified';

export interface KpiValue {
  readonly key: string;
  readonly version: number;
  readonly title: string;
  readonly unit: KpiDefinition['unit'];
  readonly scope: string;
  readonly window: string;
  readonly from: string | null;
  readonly asOf: string;
  readonly value: number | null;
  readonly display: string;
  readonly figures: Readonly<Record<string, number | null>>;
  readonly groups: readonly { readonly group: string; readonly value: number | null }[];
  readonly classification: Classification;
  readonly reason: string;
}

export interface KpiExplanation extends KpiValue {
  readonly definition: KpiDefinition & Readonly<Record<string, unknown>>;
  readonly contributions: number;
  readonly events: readonly {
    readonly eventId: string;
    readonly part: string;
    readonly group: string;
    readonly occurredAt: string;
    readonly value: number | null;
  }[];
}

export type AuditState = Readonly<Record<string, unknown>>;

export interface AuditEntry {
  readonly contextVersion: number;
  readonly position: string;
  readonly eventId: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly actor: { readonly id: string; readonly name: string | null } | null;
  readonly eventType: string;
  readonly schemaVersion: number;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly before: AuditState;
  readonly after: AuditState;
}

export interface AuditHistory {
  readonly context: { readonly type: string; readonly id: string };
  readonly at: string | null;
  readonly entries: readonly AuditEntry[];
  readonly state: AuditState;
  readonly findings: readonly {
    readonly position: string;
    readonly eventId: string;
    readonly problem: string;
  }[];
}

export interface ChainDigest {
  readonly seq: string;
  readonly position: string;
  readonly link: string;
  readonly at: string | null;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly checked: number;
  readonly sealed: number;
  readonly finding: { readonly position: string | null; readonly problem: string } | null;
}

export interface FoundContext {
  readonly type: string;
  readonly id: string;
  readonly name: string | null;
}
