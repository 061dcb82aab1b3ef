/**
 * Reactions to feed items: comments, mentions and acknowledgements. Each is a row of its own
 * (table `pet_feed_reactions`, append-only in the database) naming the item by the id of its
 * first event; an item never changes. Withdrawing a reaction adds a row that names it.
 * Only a viewer who can see an item may react to it or read its reactions. Adding and
 * withdrawing run as units of work for the viewer (without events: reactions are not domain
 * facts), so an idempotency key makes a retry return the first outcome.
 */
import { FeedItemNotFoundError, FeedQueryInvalidError } from '../../events/errors.js';
import { newEventId } from '../../events/ids.js';
import type { EventStore } from '../../store/event-store.js';
import { employeePrincipal } from '../../unit-of-work/principal.js';
import { createUnitOfWork } from '../../unit-of-work/unit-of-work.js';
import { canSee, viewerOf } from './query.js';

export type ReactionKind = 'comment' | 'mention' | 'acknowledgement';

/** A reaction to add. */
export type NewReaction =
  | { readonly kind: 'comment'; readonly body: string }
  | { readonly kind: 'mention'; readonly employeeId: string; readonly body?: string }
  | { readonly kind: 'acknowledgement' };

/** A live (not withdrawn) reaction. */
export interface Reaction {
  readonly id: string;
  readonly itemId: string;
  readonly employeeId: string;
  readonly kind: ReactionKind;
  readonly body: string | null;
  readonly mentionedEmployeeId: string | null;
  readonly createdAt: string;
}

const MAX_BODY = 4000;

/** Adds a reaction of `viewer` to an item they can see; returns its id. */
export async function react(
  store: EventStore,
  viewerId: string,
  itemId: string,
  reaction: NewReaction,
  options: { readonly idempotencyKey?: string } = {},
): Promise<string> {
  const body = 'body' in reaction ? reaction.body : undefined;
  if (reaction.kind === 'comment' || body !== undefined) {
    if (typeof body !== 'string' || body.trim() === '' || body.length > MAX_BODY) {
      throw new FeedQueryInvalidError('body', `must be text of 1 to ${MAX_BODY} characters`);
    }
  }
  if (!['comment', 'mention', 'acknowledgement'].includes(reaction.kind)) {
    throw new FeedQueryInvalidError('kind', 'must be comment, mention or acknowledgement');
  }
  const viewer = await viewerOf(store, viewerId);
  if (!(await canSee(store, viewer, itemId))) throw new FeedItemNotFoundError(itemId);
  const mentioned = reaction.kind === 'mention' ? reaction.employeeId : null;
  if (mentioned !== null) {
    const [found] = await store.query(`SELECT 1 AS found FROM pet_employees WHERE id = $1`, [
      mentioned,
    ]);
    if (found === undefined) {
      throw new FeedQueryInvalidError('mention', `names no employee: ${mentioned}`);
    }
  }
  const id = newEventId();
  const outcome = await createUnitOfWork(store).run(
    {
      principal: employeePrincipal(viewer.id),
      command: 'feed.react',
      input: { itemId, ...reaction },
      ...options,
    },
    async (tx) => {
      if (reaction.kind === 'acknowledgement') {
        // One live acknowledgement per viewer and item: a second one adds nothing.
        const [live] = await tx.sql.query(
          `SELECT r.id FROM pet_feed_reactions r
          WHERE r.item_id = $1 AND r.employee_id = $2 AND r.kind = 'acknowledgement'
            AND NOT EXISTS (SELECT 1 FROM pet_feed_reactions w WHERE w.withdraws_id = r.id)`,
          [itemId, viewer.id],
        );
        if (live !== undefined)
          throw new FeedQueryInvalidError('acknowledgement', 'is given already');
      }
      await tx.sql.execute(
        `INSERT INTO pet_feed_reactions
         (id, item_id, employee_id, kind, body, mentioned_employee_id, withdraws_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, NULL, $7)`,
        [id, itemId, viewer.id, reaction.kind, body ?? null, mentioned, new Date().toISOString()],
      );
      return id;
    },
  );
  return outcome.result;
}

/** Withdraws one of the viewer's own live reactions (a new row; the reaction stays recorded). */
export async function withdrawReaction(
  store: EventStore,
  viewerId: string,
  reactionId: string,
  options: { readonly idempotencyKey?: string } = {},
): Promise<string> {
  const viewer = await viewerOf(store, viewerId);
  const id = newEventId();
  const outcome = await createUnitOfWork(store).run(
    {
      principal: employeePrincipal(viewer.id),
      command: 'feed.withdraw_reaction',
      input: { reactionId },
      ...options,
    },
    async (tx) => {
      const [own] = await tx.sql.query<{ item_id: string }>(
        `SELECT r.item_id FROM pet_feed_reactions r
        WHERE r.id = $1 AND r.employee_id = $2 AND r.kind <> 'withdrawal'
          AND NOT EXISTS (SELECT 1 FROM pet_feed_reactions w WHERE w.withdraws_id = r.id)`,
        [reactionId, viewer.id],
      );
      if (own === undefined) throw new FeedItemNotFoundError(reactionId);
      await tx.sql.execute(
        `INSERT INTO pet_feed_reactions
         (id, item_id, employee_id, kind, body, mentioned_employee_id, withdraws_id, created_at)
       VALUES ($1, $2, $3, 'withdrawal', NULL, NULL, $4, $5)`,
        [id, own.item_id, viewer.id, reactionId, new Date().toISOString()],
      );
      return id;
    },
  );
  return outcome.result;
}

/** The live reactions to an item the viewer can see, oldest first. */
export async function reactionsTo(
  store: EventStore,
  viewerId: string,
  itemId: string,
): Promise<Reaction[]> {
  const viewer = await viewerOf(store, viewerId);
  if (!(await canSee(store, viewer, itemId))) throw new FeedItemNotFoundError(itemId);
  const rows = await store.query<{
    id: string;
    item_id: string;
    employee_id: string;
    kind: ReactionKind;
    body: string | null;
    mentioned_employee_id: string | null;
    created_at: string;
  }>(
    `SELECT r.id, r.item_id, r.employee_id, r.kind, r.body, r.mentioned_employee_id, r.created_at
       FROM pet_feed_reactions r
      WHERE r.item_id = $1 AND r.kind <> 'withdrawal'
        AND NOT EXISTS (SELECT 1 FROM pet_feed_reactions w WHERE w.withdraws_id = r.id)
      ORDER BY r.seq`,
    [itemId],
  );
  return rows.map((row) => ({
    id: row.id,
    itemId: row.item_id,
    employeeId: row.employee_id,
    kind: row.kind,
    body: row.body,
    mentionedEmployeeId: row.mentioned_employee_id,
    createdAt: row.created_at,
  }));
}
