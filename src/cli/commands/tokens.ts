import { CliUsageError } from '../../events/errors.js';
import { createToken, listTokens, revokeToken } from '../../service/tokens.js';
import type { EventStore } from '../../store/event-store.js';
import type { Output } from '../output.js';

/** `pet-events tokens create --employee ID | --system NAME [--auditor] [--label TEXT]`. */
export async function tokensCreateCommand(
  store: EventStore,
  output: Output,
  options: { employee?: string; system?: string; auditor: boolean; label?: string; json: boolean },
): Promise<void> {
  if ((options.employee === undefined) === (options.system === undefined)) {
    throw new CliUsageError('give exactly one of --employee ID and --system NAME');
  }
  const { token, info } = await createToken(store, {
    subject:
      options.employee === undefined
        ? { systemName: options.system ?? '' }
        : { employeeId: options.employee },
    auditor: options.auditor,
    ...(options.label === undefined ? {} : { label: options.label }),
  });
  if (options.json) {
    output.out(JSON.stringify({ token, ...info }));
    return;
  }
  output.out(token);
  output.err(
    `Token ${info.id} for ${info.employeeId === null ? `system ${info.systemName}` : `employee ${info.employeeId}`}${info.auditor ? ' (auditor)' : ''}: shown once, only its hash is stored. Send it as Authorization: Bearer <token>.`,
  );
}

/** `pet-events tokens list`: every token, without secrets. */
export async function tokensListCommand(
  store: EventStore,
  output: Output,
  json: boolean,
): Promise<void> {
  const tokens = await listTokens(store);
  if (json) {
    output.out(JSON.stringify(tokens));
    return;
  }
  if (tokens.length === 0) output.out('No tokens.');
  for (const t of tokens) {
    output.out(
      [
        t.id,
        (t.employeeId === null ? `system ${t.systemName}` : `employee ${t.employeeId}`).padEnd(24),
        t.auditor ? 'auditor' : '       ',
        `created ${t.createdAt}`,
        t.revokedAt === null ? 'active' : `revoked ${t.revokedAt}`,
        t.label ?? '',
      ].join('  '),
    );
  }
}

/** `pet-events tokens revoke ID`. */
export async function tokensRevokeCommand(
  store: EventStore,
  output: Output,
  id: string,
  json: boolean,
): Promise<void> {
  const revoked = await revokeToken(store, id);
  if (!revoked) throw new CliUsageError(`no active token ${JSON.stringify(id)}`);
  output.out(json ? JSON.stringify({ revoked: id }) : `Revoked token ${id}.`);
}
