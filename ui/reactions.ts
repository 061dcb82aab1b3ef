/**
 * An item's reactions behind a disclosure button: the live comments, mentions and
 * acknowledgements, a comment box, an acknowledge button, and withdrawing one's own.
 */
import { api } from './api.js';
import { announce, h, problemBox, replace, uid } from './dom.js';
import { fullInstant } from './format.js';
import type { FeedItem, Reaction } from './types.js';

/** An item's reactions behind a disclosure button, read when first opened. */
export function reactionsPanel(item: FeedItem, viewer: string): HTMLElement {
  const panelId = uid('reactions');
  const panel = h('div', { id: panelId, class: 'reactions-panel', hidden: true });
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'disclosure',
      'aria-expanded': 'false',
      'aria-controls': panelId,
    },
    'Reactions',
  );
  const url = `v1/feed/items/${encodeURIComponent(item.id)}/reactions`;

  const render = async () => {
    replace(panel, h('p', { class: 'hint' }, 'Loading reactions…'));
    try {
      const { reactions } = await api<{ reactions: Reaction[] }>(url);
      replace(panel, reactionList(reactions, viewer, render), reactionForm(reactions));
    } catch (error) {
      replace(panel, problemBox(error));
    }
  };

  const send = async (body: object, done: string) => {
    await api(url, { method: 'POST', body });
    announce(done);
    await render();
  };

  const reactionForm = (reactions: readonly Reaction[]) => {
    const commentId = uid('comment');
    const comment = h('textarea', { id: commentId, rows: 2, maxlength: 4000 });
    const acknowledged = reactions.some(
      (r) => r.kind === 'acknowledgement' && r.employeeId === viewer,
    );
    const error = h('div', { class: 'form-error' });
    const form = h(
      'form',
      {
        class: 'reaction-form',
        onsubmit: (event) => {
          event.preventDefault();
          const body = comment.value.trim();
          if (body === '') {
            replace(error, problemBox(new Error('Write a comment first.')));
            comment.focus();
            return;
          }
          send({ kind: 'comment', body }, 'Comment added').catch((e: unknown) =>
            replace(error, problemBox(e)),
          );
        },
      },
      h('label', { for: commentId }, 'Comment'),
      comment,
      error,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit' }, 'Add comment'),
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            disabled: acknowledged,
            onclick: () => {
              send({ kind: 'acknowledgement' }, 'Acknowledged').catch((e: unknown) =>
                replace(error, problemBox(e)),
              );
            },
          },
          acknowledged ? 'Acknowledged' : 'Acknowledge',
        ),
      ),
    );
    return form;
  };

  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    panel.hidden = !open;
    if (open) void render();
  });
  return h('div', { class: 'reactions' }, toggle, panel);
}

function reactionList(
  reactions: readonly Reaction[],
  viewer: string,
  rerender: () => Promise<void>,
): HTMLElement {
  if (reactions.length === 0) return h('p', { class: 'hint' }, 'No reactions yet.');
  return h(
    'ul',
    { class: 'reaction-list' },
    reactions.map((r) => {
      const who = r.employeeId === viewer ? 'You' : r.employeeId;
      const what =
        r.kind === 'acknowledgement'
          ? 'acknowledged'
          : r.kind === 'mention'
            ? `mentioned ${r.mentionedEmployeeId ?? ''}`
            : 'commented';
      const withdraw =
        r.employeeId === viewer
          ? h(
              'button',
              {
                type: 'button',
                class: 'link',
                onclick: () => {
                  api(`v1/feed/reactions/${encodeURIComponent(r.id)}/withdraw`, {
                    method: 'POST',
                  })
                    .then(() => {
                      announce('Reaction withdrawn');
                      return rerender();
                    })
                    .catch(() => announce('The reaction could not be withdrawn'));
                },
              },
              'Withdraw',
            )
          : null;
      return h(
        'li',
        { 'data-kind': r.kind },
        h('span', { class: 'who' }, `${who} ${what}`),
        ' ',
        h('time', { datetime: r.createdAt, class: 'hint' }, fullInstant(r.createdAt)),
        r.body === null ? null : h('p', { class: 'body' }, r.body),
        withdraw,
      );
    }),
  );
}
