/**
 * A load generator for the service's fault tests: one worker per support engineer of the
 * firm, each submitting its own time entries on its ticket and moving the ticket between
 * open and pending, through real HTTP (fetch, keep-alive), recording every answer.
 */
import type { Engineer, ServiceFirm } from './service-firm.js';

/** What the service answered, other than a success. */
export interface Refusal {
  readonly status: number;
  readonly contentType: string;
  readonly code: string | undefined;
}

/** Everything the load saw. */
export interface LoadReport {
  /** The ids of the events of every acknowledged (201) command. */
  readonly acknowledgedEvents: readonly string[];
  /** How many commands were acknowledged. */
  readonly acknowledged: number;
  readonly refusals: readonly Refusal[];
  /** Requests that got no HTTP answer at all (connection refused or reset). */
  readonly unanswered: number;
}

/** A running load. */
export interface Load {
  /** Commands acknowledged so far. */
  acknowledged(): number;
  /** Refusals so far. */
  refusals(): readonly Refusal[];
  /** Stops the workers after their current request and reports. */
  stop(): Promise<LoadReport>;
}

/**
 * Starts one worker per engineer against `url`. Each worker's commands are its own (its time
 * entries, its ticket), so they never conflict with another worker's. `pending` names the
 * tickets that are pending now (the others are open).
 */
export function startLoad(
  url: string,
  firm: ServiceFirm,
  tag: string,
  pending: ReadonlySet<string> = new Set(),
): Load {
  const events: string[] = [];
  const refusals: Refusal[] = [];
  let acknowledged = 0;
  let unanswered = 0;
  let stopped = false;

  async function send(engineer: Engineer, path: string, body: object): Promise<number> {
    try {
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${engineer.token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      if (response.status === 201) {
        const answer = JSON.parse(text) as { events: { id: string }[] };
        acknowledged += 1;
        for (const event of answer.events) events.push(event.id);
      } else {
        let code: string | undefined;
        try {
          code = (JSON.parse(text) as { code?: string }).code;
        } catch {
          code = undefined;
        }
        refusals.push({
          status: response.status,
          contentType: response.headers.get('content-type') ?? '',
          code,
        });
      }
      return response.status;
    } catch {
      unanswered += 1;
      // The service is gone or restarting: do not spin.
      await new Promise((resolve) => setTimeout(resolve, 20));
      return 0;
    }
  }

  async function work(engineer: Engineer): Promise<void> {
    let open = !pending.has(engineer.ticketId);
    for (let n = 0; !stopped; n += 1) {
      const start = new Date(Date.UTC(2026, 10, 2, 8) + n * 60_000 * 30);
      await send(engineer, '/v1/time-entries', {
        id: `TE-${tag}-${engineer.employeeId}-${n}`,
        ticketId: engineer.ticketId,
        startedAt: start.toISOString(),
        endedAt: new Date(start.getTime() + 20 * 60_000).toISOString(),
        minutes: 20,
        billable: n % 3 !== 0,
        workType: 'support',
      });
      if (stopped) break;
      const status = await send(engineer, `/v1/tickets/${engineer.ticketId}/status`, {
        to: open ? 'pending' : 'open',
      });
      // Acknowledged, or refused because an earlier change whose answer was lost did commit.
      if (status === 201 || status === 422) open = !open;
    }
  }

  const workers = Promise.all(firm.engineers.map((engineer) => work(engineer)));
  return {
    acknowledged: () => acknowledged,
    refusals: () => refusals,
    async stop() {
      stopped = true;
      await workers;
      return { acknowledgedEvents: events, acknowledged, refusals, unanswered };
    },
  };
}

/** Waits until `condition` holds, checking every 50 ms; fails after `ms` (a hang, not a measure). */
export async function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
  ms = 30_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
