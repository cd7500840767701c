// Live Safeguard updates: one shared Server-Sent Events connection (fetch streaming, bearer auth)
// to /webhook/wibot/safeguard/events, reconnected with exponential backoff. Subscribers are told
// about each event and about the connection state, so they can fall back to polling meanwhile.
import { ApiError, apiRequest } from '@/lib/api-client';
import { readSseStream } from '@/lib/sse';

export const EVENTS_PATH = '/webhook/wibot/safeguard/events';
export type LiveEventKind = 'created' | 'decided' | 'approval' | 'expired';

export interface LiveEvent {
  kind: LiveEventKind;
  request_id: string | null;
  status: string | null;
}

export interface LiveListener {
  onEvent: (event: LiveEvent) => void;
  onConnection: (connected: boolean) => void;
}

/** Delay before reconnection attempt number `attempt` (0-based): 1 s, 2 s, 4 s… capped at 30 s. */
export function backoffDelay(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, attempt));
}

/** Parses the data of a live event; null for unknown events (keep-alives never reach here). */
export function parseLiveEvent(name: string, data: string): LiveEvent | null {
  if (name !== 'created' && name !== 'decided' && name !== 'approval' && name !== 'expired') return null;
  let payload: { request_id?: unknown; status?: unknown } = {};
  try {
    const parsed: unknown = JSON.parse(data);
    if (parsed && typeof parsed === 'object') payload = parsed;
  } catch {
    // An event without JSON data still means "something changed".
  }
  return {
    kind: name,
    request_id: typeof payload.request_id === 'string' ? payload.request_id : null,
    status: typeof payload.status === 'string' ? payload.status : null,
  };
}

const listeners = new Set<LiveListener>();
let controller: AbortController | null = null;
let connected = false;

function setConnected(value: boolean): void {
  if (connected === value) return;
  connected = value;
  for (const listener of [...listeners]) listener.onConnection(value);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

async function run(signal: AbortSignal): Promise<void> {
  let attempt = 0;
  while (!signal.aborted) {
    let openedAt = 0;
    try {
      const response = await apiRequest(EVENTS_PATH, { headers: { Accept: 'text/event-stream' }, signal });
      openedAt = Date.now();
      setConnected(true);
      await readSseStream(response, (event) => {
        const live = parseLiveEvent(event.event, event.data);
        if (live) for (const listener of [...listeners]) listener.onEvent(live);
      });
    } catch (error) {
      if (signal.aborted) break;
      // Signed out, or a server without the event stream: stay on polling.
      if (error instanceof ApiError && [401, 403, 404, 405, 501].includes(error.status)) {
        setConnected(false);
        return;
      }
    }
    setConnected(false);
    if (signal.aborted) break;
    // A connection that lived a while resets the backoff.
    if (openedAt && Date.now() - openedAt > 15_000) attempt = 0;
    await sleep(backoffDelay(attempt), signal);
    attempt++;
  }
  setConnected(false);
}

/** Subscribes to live events; the shared connection lives while someone listens. */
export function subscribeLive(listener: LiveListener): () => void {
  listeners.add(listener);
  listener.onConnection(connected);
  if (!controller) {
    controller = new AbortController();
    void run(controller.signal);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && controller) {
      controller.abort();
      controller = null;
      connected = false;
    }
  };
}
