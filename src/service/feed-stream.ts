/**
 * The feed's change notifications: a Server-Sent Events stream for any employee that says
 * only that the feed moved (`event: changed`), never what changed, so nobody learns of an
 * item they may not see. A client then reads its own feed again, with its own visibility.
 *
 * The feed is a projection: an append is not in it until the `pet.feed` consumer has run.
 * So the stream watches that consumer's checkpoint: woken by the store's append
 * notifications, it polls the checkpoint briefly until the projector has caught up, and
 * otherwise checks it every few seconds (appends by other processes on SQLite are not
 * notified).
 */
import { Type } from '@sinclair/typebox';
import { NotFoundError } from '../events/errors.js';
import { FEED_CONSUMER_NAME } from '../pet/feed/projector.js';
import type { ServiceApp, ServiceContext } from './app.js';
import { problems } from './schemas.js';
import { eventStreams } from './sse.js';

const IDLE_CHECK_MS = 5_000;
const CATCH_UP_CHECK_MS = 250;
const CATCH_UP_CHECKS = 40;
const AFTER_CHANGE_CHECKS = 8;

/** Registers `GET /v1/feed/stream`. */
export function feedStreamRoutes(app: ServiceApp, { store }: ServiceContext): void {
  const streams = eventStreams(app, store);

  app.get(
    '/v1/feed/stream',
    {
      schema: {
        summary: 'Server-Sent Events saying that the feed changed, and nothing else',
        description:
          'Each message is `event: changed` with `data: {}`, sent when the feed projection moved on; read `/v1/feed` again to see what changed for you. Employees only.',
        tags: ['feed'],
        response: {
          200: Type.String({ description: 'a text/event-stream of change notifications' }),
          ...problems(401, 404),
        },
      },
    },
    async (request, reply) => {
      if (request.caller?.principal.kind !== 'employee') throw new NotFoundError('the feed');
      let seen = await store.readCheckpoint(FEED_CONSUMER_NAME);

      await streams(request, reply, 2000, async (stream) => {
        let checks = 0;
        try {
          while (!stream.closed) {
            if (stream.takeAppended()) checks = CATCH_UP_CHECKS;
            const now = await store.readCheckpoint(FEED_CONSUMER_NAME);
            if (now !== seen) {
              seen = now;
              // The projector may still be working through a batch: look again soon.
              checks = AFTER_CHANGE_CHECKS;
              await stream.write('event: changed\ndata: {}\n\n');
            }
            checks = Math.max(0, checks - 1);
            await stream.wait(checks > 0 ? CATCH_UP_CHECK_MS : IDLE_CHECK_MS);
          }
        } catch (error) {
          // The client reconnects after `retry` and reads its feed again.
          request.log.warn({ err: error }, 'feed stream stopped');
        }
      });
    },
  );
}
