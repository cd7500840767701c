// Server-state cache (TanStack Query): one client for the application, created by src/app.
import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './api-client';

/** Client errors (4xx) will not get better by asking again; network and server errors may. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  if (error instanceof DOMException && error.name === 'AbortError') return false;
  return failureCount < 2;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: shouldRetry,
        // Lists change when someone acts: 30 s keeps navigation instant without showing old data for long.
        staleTime: 30_000,
        refetchOnWindowFocus: true,
      },
      mutations: {
        // A POST is never replayed on its own (a retried chat or approval could run twice).
        retry: false,
      },
    },
  });
}
