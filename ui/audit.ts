/**
 * The audit trail: find a context by id or name, read its history as a timeline (who, when,
 * the state before and after each fact, and any finding the cross-check against the state
 * machines made), and verify the hash-chained log against its current digest.
 */
import { api, path } from './api.js';
import type { AppContext } from './app-context.js';
import { announce, dataTable, h, problemBox, replace, uid } from './dom.js';
import { eventTypeLabel, fullInstant, valueText, words } from './format.js';
import type { AuditEntry, AuditHistory, ChainDigest, FoundContext, VerifyReport } from './types.js';

/** The audit page; with a type and an id, that context's history too. */
export function auditPage(
  main: HTMLElement,
  _app: AppContext,
  type: string | undefined,
  id: string | undefined,
): void {
  const history = h('div', { class: 'history' });
  replace(
    main,
    h('h1', { id: 'page-title', tabindex: -1 }, 'Audit trail'),
    integritySection(),
    searchSection(),
    history,
  );
  if (type !== undefined && id !== undefined) void showHistory(history, type, id);
}

function searchSection(): HTMLElement {
  const inputId = uid('search');
  const atId = uid('at');
  const headingId = uid('search-heading');
  const input = h('input', {
    id: inputId,
    type: 'search',
    autocomplete: 'off',
    'aria-describedby': `${inputId}-hint`,
  });
  const at = h('input', { id: atId, type: 'datetime-local', step: 60 });
  const results = h('div', { class: 'search-results', 'aria-live': 'polite' });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = 0;
  const search = async () => {
    const q = input.value.trim();
    asked += 1;
    const mine = asked;
    if (q === '') return replace(results);
    try {
      const { contexts } = await api<{ contexts: FoundContext[] }>(path('v1/ui/contexts', { q }));
      if (mine !== asked) return;
      replace(results, foundList(contexts, at.value));
    } catch (error) {
      if (mine === asked) replace(results, problemBox(error));
    }
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void search(), 250);
  });
  const form = h(
    'form',
    {
      class: 'audit-search',
      role: 'search',
      'aria-labelledby': headingId,
      onsubmit: (event) => {
        event.preventDefault();
        const q = input.value.trim();
        const slash = q.indexOf('/');
        // `ticket/T-1` opens that context at once; anything else is searched.
        if (/^[a-z][a-z0-9_]*\/\S+$/.test(q)) {
          location.hash = historyHash(q.slice(0, slash), q.slice(slash + 1), at.value);
        } else {
          clearTimeout(timer);
          void search();
        }
      },
    },
    h(
      'div',
      { class: 'filter-row' },
      h('div', { class: 'field grow' }, h('label', { for: inputId }, 'Context id or name'), input),
      h('div', { class: 'field' }, h('label', { for: atId }, 'As of (optional)'), at),
      h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Search')),
    ),
    h(
      'p',
      { id: `${inputId}-hint`, class: 'hint' },
      'An id (T-0000016), the start of one, a name (Customer 2), or TYPE/ID (ticket/T-0000016) to open it at once.',
    ),
  );
  return h(
    'section',
    { 'aria-labelledby': headingId },
    h('h2', { id: headingId }, 'Find a context'),
    form,
    results,
  );
}

/** The matches of a search, each a link to its history (as of `at`, if given). */
function foundList(contexts: readonly FoundContext[], at: string): HTMLElement {
  if (contexts.length === 0) return h('p', { class: 'hint' }, 'No context matches.');
  return h(
    'ul',
    { class: 'found', 'aria-label': 'Matching contexts' },
    contexts.map((c) =>
      h(
        'li',
        {},
        h(
          'a',
          { href: historyHash(c.type, c.id, at) },
          `${words(c.type)} ${c.id}`,
          c.name === null ? null : h('span', { class: 'hint' }, ` — ${c.name}`),
        ),
      ),
    ),
  );
}

function historyHash(type: string, id: string, at: string): string {
  const base = `#/audit/${encodeURIComponent(type)}/${encodeURIComponent(id)}`;
  return at === '' ? base : `${base}/${encodeURIComponent(new Date(at).toISOString())}`;
}

async function showHistory(box: HTMLElement, type: string, id: string): Promise<void> {
  const at = decodeURIComponent(location.hash.split('/')[4] ?? '');
  replace(box, h('p', { class: 'hint' }, 'Loading the history…'));
  box.setAttribute('aria-busy', 'true');
  try {
    const url = path(`v1/contexts/${encodeURIComponent(type)}/${encodeURIComponent(id)}/history`, {
      at: at === '' ? undefined : at,
    });
    const found = await api<AuditHistory>(url);
    const headingId = uid('history');
    replace(
      box,
      h(
        'section',
        { 'aria-labelledby': headingId },
        h('h2', { id: headingId }, `History of ${words(type)} ${id}`),
        h(
          'p',
          { class: 'hint' },
          `${found.entries.length} events${found.at === null ? '' : `, as of ${fullInstant(found.at)}`}.`,
        ),
        found.findings.length === 0
          ? h('p', { class: 'ok' }, 'Every transition agrees with the state machine.')
          : h(
              'div',
              { class: 'problem', role: 'alert' },
              h('p', {}, `${found.findings.length} findings:`),
              h(
                'ul',
                {},
                found.findings.map((f) => h('li', {}, `position ${f.position}: ${f.problem}`)),
              ),
            ),
        h('ol', { class: 'timeline' }, found.entries.map(timelineEntry)),
        stateNow(found),
      ),
    );
    announce(`History of ${words(type)} ${id} loaded: ${found.entries.length} events`);
  } catch (error) {
    replace(box, problemBox(error));
  } finally {
    box.removeAttribute('aria-busy');
  }
}

function timelineEntry(entry: AuditEntry): HTMLElement {
  const changes = [...new Set([...Object.keys(entry.before), ...Object.keys(entry.after)])].filter(
    (key) => JSON.stringify(entry.before[key]) !== JSON.stringify(entry.after[key]),
  );
  const status =
    entry.before.status !== entry.after.status
      ? `${valueText(entry.before.status ?? '(none)')} → ${valueText(entry.after.status)}`
      : null;
  const who =
    entry.actor === null
      ? 'the system'
      : `${entry.actor.name ?? entry.actor.id} (${entry.actor.id})`;
  const headingId = uid('entry');
  return h(
    'li',
    { class: 'timeline-entry', 'data-event-type': entry.eventType },
    h(
      'article',
      { 'aria-labelledby': headingId },
      h(
        'h3',
        { id: headingId },
        `${eventTypeLabel(entry.eventType)} `,
        h('span', { class: 'hint' }, `v${entry.contextVersion}`),
      ),
      h(
        'p',
        { class: 'meta' },
        'By ',
        h('strong', {}, who),
        ', ',
        h('time', { datetime: entry.occurredAt }, fullInstant(entry.occurredAt)),
        ` · recorded ${fullInstant(entry.recordedAt)} · position ${entry.position}`,
      ),
      status === null ? null : h('p', { class: 'transition' }, 'Status: ', h('strong', {}, status)),
      changes.length === 0
        ? h('p', { class: 'hint' }, 'No change of state.')
        : dataTable(
            `Changes at version ${entry.contextVersion}`,
            ['Field', 'Before', 'After'],
            changes.map((key) => [
              words(key),
              valueText(entry.before[key]),
              valueText(entry.after[key]),
            ]),
            { className: 'changes', rowHeaders: true },
          ),
      h(
        'details',
        {},
        h('summary', {}, `Event ${entry.eventType} v${entry.schemaVersion}`),
        h('p', {}, h('code', {}, entry.eventId)),
        h('pre', { class: 'json' }, JSON.stringify(entry.payload, null, 2)),
      ),
    ),
  );
}

function stateNow(found: AuditHistory): HTMLElement {
  return h(
    'details',
    { class: 'state-now' },
    h('summary', {}, found.at === null ? 'State after the last event' : 'State at that instant'),
    h(
      'dl',
      { class: 'facts' },
      Object.entries(found.state).flatMap(([key, value]) => [
        h('dt', {}, words(key)),
        h('dd', {}, valueText(value)),
      ]),
    ),
  );
}

/** The current digest, and verifying the log against it. */
function integritySection(): HTMLElement {
  const headingId = uid('integrity');
  const digestBox = h('div', { class: 'digest' }, h('p', { class: 'hint' }, 'Loading the digest…'));
  const result = h('div', { class: 'verify-result', role: 'status' });
  const button = h('button', { type: 'button', disabled: true }, 'Verify the log');
  let digest: ChainDigest | undefined;
  api<ChainDigest>('v1/audit/digest')
    .then((d) => {
      digest = d;
      replace(digestBox, digestFacts(d));
      button.disabled = false;
    })
    .catch((error: unknown) => replace(digestBox, problemBox(error)));
  button.addEventListener('click', () => {
    button.disabled = true;
    replace(result, h('p', { class: 'hint' }, 'Verifying…'));
    // Before anything is sealed there is no digest to verify against: verify the chain alone.
    const body = digest === undefined || digest.at === null ? {} : { digest };
    api<VerifyReport>('v1/audit/verify', { method: 'POST', body })
      .then((report) => replace(result, verifyMessage(report)))
      .catch((error: unknown) => replace(result, problemBox(error)))
      .finally(() => {
        button.disabled = false;
      });
  });
  return h(
    'section',
    { class: 'integrity', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, 'Integrity'),
    digestBox,
    button,
    result,
  );
}

function digestFacts(d: ChainDigest): HTMLElement {
  return h(
    'dl',
    { class: 'facts' },
    h('dt', {}, 'Sealed entries'),
    h('dd', {}, d.seq),
    h('dt', {}, 'Up to position'),
    h('dd', {}, d.position),
    h('dt', {}, 'Head link'),
    h('dd', {}, h('code', { class: 'hash' }, d.link)),
    h('dt', {}, 'Sealed at'),
    h('dd', {}, d.at === null ? '—' : fullInstant(d.at)),
  );
}

function verifyMessage(report: VerifyReport): HTMLElement {
  if (report.ok) {
    return h(
      'p',
      { class: 'ok' },
      `Verified: ${report.checked} events checked, ${report.sealed} of them sealed; the log matches the digest.`,
    );
  }
  const where =
    report.finding?.position === null || report.finding === null
      ? ''
      : ` at position ${report.finding.position}`;
  return h(
    'p',
    { class: 'problem' },
    `Verification failed${where}: ${report.finding?.problem ?? 'unknown problem'}`,
  );
}
