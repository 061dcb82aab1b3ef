/**
 * Prometheus metrics of one service process (`/metrics`): events appended through it, requests
 * refused by error code, and each consumer's lag, read from the database at each scrape so
 * every process reports the same lag whichever of them runs the consumer.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { consumerReports, type ConsumerReport } from '../consumers/status.js';
import { PET_CONSUMERS } from '../pet/consumers/catalogue.js';
import type { EventStore } from '../store/event-store.js';

export class ServiceMetrics {
  readonly registry = new Registry();
  readonly #appended: Counter<'event_type'>;
  readonly #rejected: Counter<'code'>;

  constructor(store: EventStore) {
    collectDefaultMetrics({ register: this.registry, prefix: 'pet_process_' });
    this.#appended = new Counter({
      name: 'pet_events_appended_total',
      help: 'Events appended by the commands this process ran, by event type',
      labelNames: ['event_type'],
      registers: [this.registry],
    });
    this.#rejected = new Counter({
      name: 'pet_requests_rejected_total',
      help: 'Requests answered with an error, by its code',
      labelNames: ['code'],
      registers: [this.registry],
    });
    // One read of the consumers' status serves both gauges of a scrape.
    let scrape: { at: number; reports: ReturnType<typeof consumerReports> } | undefined;
    const reports = () => {
      if (scrape === undefined || Date.now() - scrape.at > 1000) {
        scrape = { at: Date.now(), reports: consumerReports(store, PET_CONSUMERS) };
      }
      return scrape.reports;
    };
    const lag = (name: string, help: string, value: (r: ConsumerReport) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['consumer'],
        registers: [this.registry],
        async collect() {
          const current = await reports();
          this.reset();
          for (const report of current) this.set({ consumer: report.consumer }, value(report));
        },
      });
    lag(
      'pet_consumer_lag_events',
      "Events recorded after a consumer's checkpoint",
      (r) => r.lagEvents,
    );
    lag(
      'pet_consumer_lag_seconds',
      'Age of the oldest event a consumer has not handled yet',
      (r) => r.lagSeconds,
    );
  }

  /** Counts the events a command appended. */
  appended(events: readonly { readonly eventType: string }[]): void {
    for (const event of events) this.#appended.inc({ event_type: event.eventType });
  }

  /** Counts a refused request. */
  rejected(code: string): void {
    this.#rejected.inc({ code });
  }
}
