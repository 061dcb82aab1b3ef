/**
 * The log as a live stream of Server-Sent Events: every event after a position, in log order,
 * then each new one as it is appended (woken by the store's append notifications, polling as a
 * fallback). Each message's `id` is the event's position, so a client that reconnects with
 * `Last-Event-ID` resumes exactly after the last event it received.
 */
import { Type } from '@sinclair/typebox';
import { NotFoundError } from '../events/errors.js';
import type { Position } from '../events/types.js';
import { toWireEvent } from '../events/wire.js';
import type { ServiceApp, ServiceContext } from './app.js';
import { asPetError, problemOf } from './problem.js';
import { positionOf, problems } from './schemas.js';
import { eventStreams } from './sse.js';

const PAGE = 500;
const POLL_MS = 5_000;

/** Registers `GET /v1/events/stream`. */
export function streamRoutes(app: ServiceApp, { store }: ServiceContext): void {
  const streams = eventStreams(app, store);

  app.get(
    '/v1/events/stream',
    {
      schema: {
        summary: 'New events as Server-Sent Events, resumable with Last-Event-ID',
        description:
          'Each message: `id` = the position, `event` = the event type, `data` = the event as JSON. Starts after `Last-Event-ID`, else after `after`, else at the head of the log (only new events). Roles: admin, auditor.',
        tags: ['log'],
        querystring: Type.Object(
          { after: Type.Optional(Type.String({ pattern: '^[0-9]{1,19}$' })) },
          { additionalProperties: false },
        ),
        headers: Type.Object({
          'last-event-id': Type.Optional(Type.String({ pattern: '^[0-9]{1,19}$' })),
        }),
        response: {
          200: Type.String({ description: 'a text/event-stream of events' }),
          ...problems(400, 401, 404),
        },
      },
    },
    async (request, reply) => {
      const caller = request.caller;
      if (caller === null || !(caller.roles.has('admin') || caller.roles.has('auditor'))) {
        throw new NotFoundError('the event stream');
      }
      const header = request.headers['last-event-id'];
      const resume = header ?? request.query.after;
      let after: Position =
        resume === undefined
          ? await store.headPosition()
          : positionOf(resume, header === undefined ? 'after' : 'Last-Event-ID');

      await streams(request, reply, 1000, async (stream) => {
        try {
          while (!stream.closed) {
            stream.takeAppended();
            const events = await store.readLog({ after, limit: PAGE });
            for (const event of events) {
              if (stream.closed) break;
              await stream.write(
                `id: ${event.position}\nevent: ${event.eventType}\ndata: ${JSON.stringify(toWireEvent(event))}\n\n`,
              );
              after = event.position;
            }
            // An append during the read is read next; otherwise wait for one (or poll).
            if (events.length < PAGE && !stream.takeAppended()) await stream.wait(POLL_MS);
          }
        } catch (error) {
          // The client reconnects with Last-Event-ID and resumes where this stream stopped.
          const problem = problemOf(asPetError(error, request.id), request.url);
          request.log.warn({ err: error }, 'event stream stopped');
          await stream.write(`event: problem\ndata: ${JSON.stringify(problem)}\n\n`);
        }
      });
    },
  );
}
