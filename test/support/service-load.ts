/**
 * A load generator for the service's fault tests: one worker per support engineer of the
 * firm, each submitting its own time entries on its ticket and moving the ticket between
 * open and pending, through real HTTP (fetch, keep-alive), each command with an
 * Idempotency-Key and retried on 503, recording every answer.
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

  /** One request; its status, or 0 when it got no answer. */
  async function attempt(
    engineer: Engineer,
    path: string,
    body: object,
    key: string,
  ): Promise<number> {
    try {
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${engineer.token}`,
          'content-type': 'application/json',
          'idempotency-key': key,
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
      return 0;
    }
  }

  /**
   * Sends a command until it is answered other than 503 (or the load stops), retrying with the
   * same Idempotency-Key, as a client should: a retry of a command that did commit gets the
   * first answer back instead of running again.
   */
  async function send(engineer: Engineer, path: string, body: object, key: string) {
    for (;;) {
      const status = await attempt(engineer, path, body, key);
      if ((status !== 0 && status !== 503) || stopped) return status;
      // The service or its database is away: do not spin.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function work(engineer: Engineer): Promise<void> {
    let open = !pending.has(engineer.ticketId);
    for (let n = 0; !stopped; n += 1) {
      const start = new Date(Date.UTC(2026, 10, 2, 8) + n * 60_000 * 30);
      const id = `${tag}-${engineer.employeeId}-${n}`;
      await send(
        engineer,
        '/v1/time-entries',
        {
          id: `TE-${id}`,
          ticketId: engineer.ticketId,
          startedAt: start.toISOString(),
          endedAt: new Date(start.getTime() + 20 * 60_000).toISOString(),
          minutes: 20,
          billable: n % 3 !== 0,
          workType: 'support',
        },
        `submit-${id}`,
      );
      if (stopped) break;
      const status = await send(
        engineer,
        `/v1/tickets/${engineer.ticketId}/status`,
        { to: open ? 'pending' : 'open' },
        `status-${id}`,
      );
      if (status === 201) open = !open;
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
