import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../../lib/api-client';
import { describeError } from '../../../lib/errors';
import type { SafeguardRequest } from '../../../lib/schemas';
import { subscribeLive, type LiveEvent } from '../api/live';
import { listRequests, type StatusFilter } from '../api/safeguard';

export const POLL_MS = 10_000;

export interface SafeguardRequestsState {
  requests: SafeguardRequest[] | null;
  unavailable: boolean;
  error: string | null;
  live: boolean;
  updatedAt: Date | null;
  lastEvent: LiveEvent | null;
  reload: () => void;
  clearError: () => void;
}

/**
 * The requests of one status, refreshed on each live event; while the event stream is down
 * (or unsupported), refreshed by polling every 10 s instead.
 */
export function useSafeguardRequests(status: StatusFilter): SafeguardRequestsState {
  const [requests, setRequests] = useState<SafeguardRequest[] | null>(null);
  const [unavailable, setUnavailable] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState(false);
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
  const [lastEvent, setLastEvent] = useState<LiveEvent | null>(null);
  const controllerRef = useRef<AbortController | null>(null);

  const load = useCallback(() => {
    controllerRef.current?.abort();
    const controller = new AbortController();
    controllerRef.current = controller;
    listRequests(status, controller.signal)
      .then((list) => {
        setRequests(list);
        setUnavailable(false);
        setError(null);
        setUpdatedAt(new Date());
      })
      .catch((err: unknown) => {
        if (err instanceof DOMException && err.name === 'AbortError') return;
        if (err instanceof ApiError && (err.status === 404 || err.status === 405 || err.status === 501)) {
          setUnavailable(true);
          setRequests([]);
        } else {
          setError(describeError(err));
        }
      });
  }, [status]);

  useEffect(() => {
    setRequests(null);
    load();
    return () => controllerRef.current?.abort();
  }, [load]);

  useEffect(
    () =>
      subscribeLive({
        onEvent: (event) => {
          setLastEvent(event);
          load();
        },
        onConnection: (connected) => {
          setLive(connected);
          // Catch up on what happened while disconnected.
          if (connected) load();
        },
      }),
    [load],
  );

  useEffect(() => {
    if (live) return;
    const timer = window.setInterval(load, POLL_MS);
    return () => window.clearInterval(timer);
  }, [live, load]);

  return { requests, unavailable, error, live, updatedAt, lastEvent, reload: load, clearError: () => setError(null) };
}
