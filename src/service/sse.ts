/**
 * A Server-Sent Events response, as the service's streams share it: the headers, a
 * keep-alive comment every 15 s, writes that wait for a slow client, a wait that an append or
 * the end of the stream cuts short, and an end when the client goes or the service stops.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EventStore } from '../store/event-store.js';
import type { ServiceApp } from './app.js';

const HEARTBEAT_MS = 15_000;

/** An open stream. */
export interface EventStream {
  /** True once the client went away or the service began to stop. */
  readonly closed: boolean;
  /** Writes raw text (one or more messages), waiting while the client drains. */
  write(text: string): Promise<void>;
  /** Waits `ms`, or less if events are appended or the stream closes meanwhile. */
  wait(ms: number): Promise<void>;
  /** Whether events were appended since the last call. */
  takeAppended(): boolean;
}

/**
 * Registers the ending of every open stream when the service stops; returns how a route
 * opens one: `streams(request, reply, retryMs, (stream) => …)` hijacks the reply, runs the
 * loop, and ends the response however the loop ends.
 */
export function eventStreams(app: ServiceApp, store: EventStore) {
  const open = new Set<() => void>();
  app.addHook('preClose', () => {
    for (const close of open) close();
  });

  return async (
    request: FastifyRequest,
    reply: FastifyReply,
    retryMs: number,
    loop: (stream: EventStream) => Promise<void>,
  ): Promise<void> => {
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.write(`retry: ${retryMs}\n\n`);

    let closed = false;
    let appended = false;
    let wake: (() => void) | undefined;
    const close = () => {
      closed = true;
      wake?.();
    };
    open.add(close);
    request.raw.on('close', close);
    const unsubscribe = store.onAppended(() => {
      appended = true;
      wake?.();
    });
    const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), HEARTBEAT_MS);
    const stream: EventStream = {
      get closed() {
        return closed;
      },
      async write(text) {
        if (!response.write(text) && !closed) {
          await new Promise<void>((resolve) => {
            response.once('drain', resolve);
            response.once('close', resolve);
          });
        }
      },
      async wait(ms) {
        if (closed) return;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ms);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      },
      takeAppended() {
        const was = appended;
        appended = false;
        return was;
      },
    };
    try {
      await loop(stream);
    } finally {
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(close);
      response.end();
    }
  };
}
