/**
 * The service's `/v1` API as the page uses it: every request carries the signed-in token as a
 * bearer header; the token lives in sessionStorage (this tab, until it closes or signs out).
 */

const TOKEN_KEY = 'pet-events.token';

/** A problem the service answered with (RFC 9457), or a failure to reach it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The signed-in token of this tab, if any. */
export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

let onUnauthenticated: () => void = () => undefined;

/** What to do when the service no longer accepts the token (revoked, employee left). */
export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler;
}

/** Says the service refused the signed-in token (for requests not made through `api`). */
export function tokenRefused(): void {
  onUnauthenticated();
}

/** `v1/feed?scope=me` from a path and query values; arrays repeat the name, empties drop. */
export function path(
  base: string,
  query: Record<string, string | readonly string[] | boolean | undefined> = {},
): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === '' || value === false) continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, String(v));
  }
  const text = params.toString();
  return text === '' ? base : `${base}?${text}`;
}

/** The headers of an authenticated request. */
export function authHeaders(token = storedToken()): Record<string, string> {
  return token === null ? {} : { authorization: `Bearer ${token}` };
}

/** Calls the API; resolves to the JSON answer, or rejects with an ApiError. */
export async function api<T>(
  url: string,
  init: { method?: string; body?: unknown; token?: string; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    ...authHeaders(init.token ?? storedToken()),
  };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? 'GET',
      headers,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      ...(init.signal === undefined ? {} : { signal: init.signal }),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', 'The service cannot be reached.');
  }
  if (response.ok) return (await response.json()) as T;
  const problem = (await response.json().catch(() => ({}))) as {
    code?: string;
    detail?: string;
    title?: string;
  };
  if (response.status === 401 && init.token === undefined) onUnauthenticated();
  throw new ApiError(
    response.status,
    problem.code ?? `HTTP_${response.status}`,
    problem.detail ?? problem.title ?? `The service answered ${response.status}.`,
  );
}

/** Runs `work` over `items`, at most `limit` at a time; results in the items' order. */
export async function inBatches<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
