// @vitest-environment jsdom
import { renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { mockFetchPerTest } from '@/lib/test-storage';
import { createTestQueryClient, jsonResponse, TestProviders } from '@/lib/test-utils';
import { conversationKeys, useConversations, useDeleteConversation, useRenameConversation } from './conversations';

const list = (titles: string[]) => ({
  success: true,
  conversations: titles.map((title, i) => ({ conversation_id: `c${i + 1}`, title, message_count: 2 })),
  next_before: null,
});

describe('conversation mutations', () => {
  const fetchMock = mockFetchPerTest();

  function setup() {
    const client = createTestQueryClient();
    const wrapper = ({ children }: { children: ReactNode }) => <TestProviders client={client}>{children}</TestProviders>;
    const hook = renderHook(() => ({ list: useConversations(), rename: useRenameConversation(), remove: useDeleteConversation() }), { wrapper });
    return { client, hook };
  }

  it('a rename updates the cached list at once, before the list is read again from the server', async () => {
    fetchMock.mockResolvedValueOnce(jsonResponse(200, list(['Imprimante', 'VPN'])));
    const { client, hook } = setup();
    await waitFor(() => expect(hook.result.current.list.isSuccess).toBe(true));
    expect(fetchMock).toHaveBeenCalledTimes(1);

    let releaseRefetch: (response: Response) => void = () => undefined;
    fetchMock
      .mockResolvedValueOnce(jsonResponse(200, { success: true, conversation_id: 'c1', title: 'Spooler' }))
      .mockReturnValueOnce(new Promise<Response>((resolve) => (releaseRefetch = resolve)));
    const done = hook.result.current.rename.mutateAsync({ id: 'c1', title: 'Spooler' });

    // The refetch is under way (third call) and has not answered: the cache already holds the new title.
    await waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(3));
    const [renameUrl, renameInit] = fetchMock.mock.calls[1] as [string, RequestInit];
    expect(renameUrl).toBe('/webhook/wibot/conversations/c1');
    expect(renameInit.method).toBe('PUT');
    expect((fetchMock.mock.calls[2] as [string])[0]).toBe('/webhook/wibot/conversations?limit=50');
    await waitFor(() => expect(hook.result.current.list.data?.pages[0]?.conversations?.[0]?.title).toBe('Spooler'));
    expect(hook.result.current.list.isFetching).toBe(true);

    // Then the server's answer replaces it.
    releaseRefetch(jsonResponse(200, list(['Spooler (serveur)', 'VPN'])));
    await done;
    await waitFor(() => expect(hook.result.current.list.data?.pages[0]?.conversations?.[0]?.title).toBe('Spooler (serveur)'));
    expect(client.getQueryState(conversationKeys.list())?.isInvalidated).toBe(false);
  });

  it('a delete drops the conversation from the cache even before the list is read again', async () => {
    fetchMock.mockResolvedValueOnce(jsonResponse(200, list(['Imprimante', 'VPN'])));
    const { client, hook } = setup();
    await waitFor(() => expect(hook.result.current.list.isSuccess).toBe(true));

    let releaseRefetch: (response: Response) => void = () => undefined;
    fetchMock
      .mockResolvedValueOnce(new Response(null, { status: 204 }))
      .mockReturnValueOnce(new Promise<Response>((resolve) => (releaseRefetch = resolve)));
    const done = hook.result.current.remove.mutateAsync('c1');
    await waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(3));
    const cached = client.getQueryData<{ pages: { conversations: { conversation_id: string }[] }[] }>(conversationKeys.list());
    expect(cached?.pages[0]?.conversations.map((c) => c.conversation_id)).toEqual(['c2']);
    releaseRefetch(jsonResponse(200, list(['VPN'])));
    await done;
  });
});
