import { MantineProvider } from '@mantine/core';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { createQueryClient } from '@/lib/query-client';
import { getSession, subscribeSession, watchSessionExpiry } from '@/lib/session';
import { installFileDropGuard } from './drop-guard';
import { theme } from '@/lib/theme';

/** Forgets every cached answer when the session ends (logout, expiry, another tab): the next user starts clean. */
function useClearCacheOnLogout(client: QueryClient): void {
  useEffect(
    () =>
      subscribeSession(() => {
        if (!getSession()) client.clear();
      }),
    [client],
  );
}

/**
 * Mantine (light scheme forced: no ColorSchemeScript, the CSP forbids inline scripts) and the
 * TanStack Query client.
 */
export function AppProviders({ children, client: given }: { children: ReactNode; client?: QueryClient }) {
  const [client] = useState(() => given ?? createQueryClient());
  useClearCacheOnLogout(client);
  // The 24 h token ends on time (with the "session expirée" message), not at the next failed call.
  useEffect(() => watchSessionExpiry(), []);
  // Files dropped outside the chat's drop zone must not replace the application.
  useEffect(() => installFileDropGuard(), []);
  return (
    <MantineProvider theme={theme} forceColorScheme="light">
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    </MantineProvider>
  );
}
