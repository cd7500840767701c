// Test helpers for component tests (jsdom): the application's providers around the tree under test.
import { MantineProvider } from '@mantine/core';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { render, type RenderResult } from '@testing-library/react';
import type { ReactElement, ReactNode } from 'react';
import { createQueryClient } from './query-client';
import { theme } from './theme';

export function createTestQueryClient(): QueryClient {
  const client = createQueryClient();
  client.setDefaultOptions({ queries: { retry: false, staleTime: Infinity, refetchOnWindowFocus: false }, mutations: { retry: false } });
  return client;
}

export function TestProviders({ client, children }: { client: QueryClient; children: ReactNode }) {
  return (
    <MantineProvider theme={theme} forceColorScheme="light">
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    </MantineProvider>
  );
}

export function renderWithProviders(ui: ReactElement, client: QueryClient = createTestQueryClient()): RenderResult & { client: QueryClient } {
  const result = render(ui, { wrapper: ({ children }) => <TestProviders client={client}>{children}</TestProviders> });
  return { ...result, client };
}

/** A fetch Response with a JSON body. */
export function jsonResponse(status: number, body: unknown, contentType = 'application/json'): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'Content-Type': contentType } });
}
