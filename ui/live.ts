/**
 * Listens to `GET /v1/feed/stream` with fetch (EventSource cannot send the bearer header),
 * parses its Server-Sent Events, and calls `onChanged` for each `changed` message. It only
 * ever says that the feed moved; the page then reads the feed again. Reconnects after a
 * pause when the connection drops, until stopped.
 */
import { authHeaders, tokenRefused } from './api.js';

export type LiveState = 'connecting' | 'live' | 'offline';

export interface LiveFeed {
  stop(): void;
}

/** Starts listening; `onState` hears whether the stream is connected. */
export function listenToFeed(onChanged: () => void, onState: (state: LiveState) => void): LiveFeed {
  const abort = new AbortController();
  let retryMs = 2_000;

  const connect = async (): Promise<void> => {
    onState('connecting');
    const response = await fetch('v1/feed/stream', {
      headers: { accept: 'text/event-stream', ...authHeaders() },
      signal: abort.signal,
      cache: 'no-store',
    });
    if (response.status === 401) {
      // Revoked, or its employee left: back to sign-in (which stops this stream).
      tokenRefused();
      return;
    }
    if (!response.ok || response.body === null) {
      throw new Error(`feed stream answered ${response.status}`);
    }
    onState('live');
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = parseMessage(message);
        if (fields.retry !== undefined) retryMs = Math.max(500, Number(fields.retry) || retryMs);
        if (fields.event === 'changed') onChanged();
        end = buffer.indexOf('\n\n');
      }
    }
  };

  const run = async () => {
    while (!abort.signal.aborted) {
      try {
        await connect();
      } catch {
        // Dropped or refused: say so, then try again.
      }
      if (abort.signal.aborted) return;
      onState('offline');
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  };
  void run();
  return { stop: () => abort.abort() };
}

function parseMessage(message: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of message.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    fields[name] = name in fields ? `${fields[name]}\n${value}` : value;
  }
  return fields;
}
