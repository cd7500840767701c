import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ApiError } from '@/lib/api-client';
import { describeError } from '@/lib/errors';
import type { SafeguardRequest } from '@/lib/schemas';
import { subscribeLive } from '../api/live';
import { safeguardKeys, safeguardRequestsQueryOptions, type StatusFilter } from '../api/safeguard';

export interface SafeguardRequestsState {
  requests: SafeguardRequest[] | null;
  unavailable: boolean;
  error: string | null;
  live: boolean;
  updatedAt: Date | null;
  reload: () => void;
  /** A reload is under way. */
  retrying: boolean;
}

/** True while the shared live event stream is connected; each event invalidates the cached lists. */
export function useSafeguardLive(): boolean {
  const queryClient = useQueryClient();
  const [live, setLive] = useState(false);
  useEffect(
    () =>
      subscribeLive({
        onEvent: () => void queryClient.invalidateQueries({ queryKey: safeguardKeys.lists() }),
        onConnection: (connected) => {
          setLive(connected);
          // Catch up on what happened while disconnected.
          if (connected) void queryClient.invalidateQueries({ queryKey: safeguardKeys.lists() });
        },
      }),
    [queryClient],
  );
  return live;
}

function isUnavailable(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 404 || error.status === 405 || error.status === 501);
}

/**
 * The requests of one status, refreshed on each live event; while the event stream is down
 * (or unsupported), refreshed by polling every 10 s instead.
 */
export function useSafeguardRequests(status: StatusFilter): SafeguardRequestsState {
  const live = useSafeguardLive();
  const query = useQuery(safeguardRequestsQueryOptions(status, live));
  const unavailable = isUnavailable(query.error);
  return {
    requests: unavailable ? [] : (query.data ?? null),
    unavailable,
    error: query.isError && !unavailable ? describeError(query.error) : null,
    live,
    updatedAt: query.dataUpdatedAt ? new Date(query.dataUpdatedAt) : null,
    reload: () => void query.refetch(),
    retrying: query.isFetching,
  };
}
