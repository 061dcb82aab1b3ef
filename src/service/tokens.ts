/**
 * Bearer tokens of the HTTP API (table `api_tokens`, migration 0009). A token is
 * `pet_<id>_<secret>`: the id finds its row, and only the sha256 of the secret is stored, so
 * the token is shown once, when it is created, and never again.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { CommandInvalidError } from '../events/errors.js';
import type { EmployeeRole } from '../pet/employee/commands.js';
import type { EventStore } from '../store/event-store.js';
import { employeePrincipal, systemPrincipal, type Principal } from '../unit-of-work/principal.js';

/**
 * What a caller may be: an employee's role (read from pet_employees at each request),
 * `auditor` (a token's addition), or `system` (an integration's token).
 */
export type Role = EmployeeRole | 'auditor' | 'system';

/** Who a request runs for: the principal its events record, and what it may do. */
export interface Caller {
  readonly principal: Principal;
  readonly roles: ReadonlySet<Role>;
  /** The token's id (never its secret), for logs. */
  readonly tokenId: string;
}

/** Whom a new token stands for. */
export type TokenSubject =
  | { readonly employeeId: string; readonly systemName?: undefined }
  | { readonly systemName: string; readonly employeeId?: undefined };

export interface NewToken {
  readonly subject: TokenSubject;
  /** Also the right to read the raw log, the registry and the audit endpoints. */
  readonly auditor?: boolean;
  readonly label?: string;
}

/** A token as listed: everything but its secret. */
export interface TokenInfo {
  readonly id: string;
  readonly employeeId: string | null;
  readonly systemName: string | null;
  readonly auditor: boolean;
  readonly label: string | null;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

const TOKEN = /^pet_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const SYSTEM_NAME = /^[a-z][a-z0-9-]{0,99}$/;

/** Creates a token; the returned `token` is the only time its secret exists outside a request. */
export async function createToken(
  store: EventStore,
  request: NewToken,
): Promise<{ readonly token: string; readonly info: TokenInfo }> {
  const { employeeId, systemName } = request.subject;
  if (systemName !== undefined && !SYSTEM_NAME.test(systemName)) {
    throw new CommandInvalidError(
      'tokens.create',
      'system',
      'must be a lower-case name of letters, digits and dashes, up to 100 characters',
    );
  }
  if (request.label !== undefined && (request.label.length === 0 || request.label.length > 200)) {
    throw new CommandInvalidError('tokens.create', 'label', 'must be 1 to 200 characters');
  }
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const info: TokenInfo = {
    id,
    employeeId: employeeId ?? null,
    systemName: systemName ?? null,
    auditor: request.auditor ?? false,
    label: request.label ?? null,
    createdAt: new Date().toISOString(),
    revokedAt: null,
  };
  await store.transaction(async ({ sql }) => {
    if (employeeId !== undefined) {
      const [row] = await sql.query<{ status: string }>(
        'SELECT status FROM pet_employees WHERE id = $1',
        [employeeId],
      );
      if (row === undefined || row.status !== 'active') {
        throw new CommandInvalidError(
          'tokens.create',
          'employee',
          `${JSON.stringify(employeeId)} is not an active employee`,
        );
      }
    }
    await sql.execute(
      `INSERT INTO api_tokens
         (id, secret_sha256, employee_id, system_name, auditor, label, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        id,
        sha256(secret),
        info.employeeId,
        info.systemName,
        store.dialect === 'sqlite' ? Number(info.auditor) : info.auditor,
        info.label,
        info.createdAt,
      ],
    );
  });
  return { token: `pet_${id}_${secret}`, info };
}

/** Every token, newest first, without secrets. */
export async function listTokens(store: EventStore): Promise<TokenInfo[]> {
  const rows = await store.query<TokenRow>(
    `SELECT id, employee_id, system_name, auditor, label, created_at, revoked_at
       FROM api_tokens ORDER BY created_at DESC, id`,
  );
  return rows.map(infoOf);
}

/** Revokes a token; `false` if there is no such token or it was revoked already. */
export async function revokeToken(store: EventStore, id: string): Promise<boolean> {
  return store.transaction(
    async ({ sql }) =>
      (await sql.execute(
        'UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL',
        [new Date().toISOString(), id],
      )) === 1,
  );
}

/**
 * The caller a bearer token stands for, or `undefined` for a malformed, unknown, revoked
 * token, or one whose employee has left. An employee's role is read at every request, so a
 * change of role applies at once.
 */
export async function authenticate(store: EventStore, token: string): Promise<Caller | undefined> {
  const match = TOKEN.exec(token);
  if (match === null) return undefined;
  const [, id, secret] = match as unknown as [string, string, string];
  const [row] = await store.query<TokenRow & { secret_sha256: string; role: string | null }>(
    `SELECT t.id, t.secret_sha256, t.employee_id, t.system_name, t.auditor, t.label,
            t.created_at, t.revoked_at, e.role, e.status
       FROM api_tokens t LEFT JOIN pet_employees e ON e.id = t.employee_id
      WHERE t.id = $1`,
    [id],
  );
  if (row === undefined || row.revoked_at !== null) return undefined;
  const presented = Buffer.from(sha256(secret), 'hex');
  if (!timingSafeEqual(presented, Buffer.from(row.secret_sha256, 'hex'))) return undefined;
  const roles = new Set<Role>();
  if (row.auditor === true || row.auditor === 1) roles.add('auditor');
  if (row.employee_id !== null) {
    if (row.status !== 'active' || row.role === null) return undefined;
    roles.add(row.role as EmployeeRole);
    return { principal: employeePrincipal(row.employee_id), roles, tokenId: row.id };
  }
  roles.add('system');
  return { principal: systemPrincipal(row.system_name ?? ''), roles, tokenId: row.id };
}

interface TokenRow extends Record<string, unknown> {
  id: string;
  employee_id: string | null;
  system_name: string | null;
  auditor: boolean | number;
  label: string | null;
  created_at: string;
  revoked_at: string | null;
  status?: string | null;
}

function infoOf(row: TokenRow): TokenInfo {
  return {
    id: row.id,
    employeeId: row.employee_id,
    systemName: row.system_name,
    auditor: row.auditor === true || row.auditor === 1,
    label: row.label,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
