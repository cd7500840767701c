// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { mockFetchPerTest } from '@/lib/test-storage';
import { jsonResponse, renderWithProviders } from '@/lib/test-utils';
import { ConversationSidebar } from './ConversationSidebar';

const list = (titles: string[]) => ({
  success: true,
  conversations: titles.map((title, i) => ({ conversation_id: `c${i + 1}`, title, message_count: 2 })),
  next_before: null,
});

describe('ConversationSidebar', () => {
  const fetchMock = mockFetchPerTest();

  const render = () => renderWithProviders(<ConversationSidebar selectedId={null} onSelect={vi.fn()} onNew={vi.fn()} onDeleted={vi.fn()} />);

  it('says the list failed (with a retry) instead of "Aucune conversation"', async () => {
    fetchMock.mockResolvedValueOnce(jsonResponse(500, { title: 'Erreur interne', status: 500 }, 'application/problem+json'));
    const user = userEvent.setup();
    render();
    const error = await screen.findByTestId('conversations-error');
    expect(screen.queryByText(/Aucune conversation/)).toBeNull();
    fetchMock.mockResolvedValue(jsonResponse(200, list(['Imprimante'])));
    await user.click(within(error).getByRole('button', { name: 'Réessayer' }));
    expect(await screen.findByText('Imprimante')).toBeTruthy();
    expect(screen.queryByTestId('conversations-error')).toBeNull();
  });

  it('puts the focus back on the renamed conversation, and on the next one after a delete', async () => {
    fetchMock.mockResolvedValueOnce(jsonResponse(200, list(['Imprimante', 'VPN'])));
    const user = userEvent.setup();
    render();
    await user.click(await screen.findByRole('button', { name: 'Renommer la conversation Imprimante' }));
    fetchMock
      .mockResolvedValueOnce(jsonResponse(200, { success: true, conversation_id: 'c1', title: 'Spooler' }))
      .mockResolvedValueOnce(jsonResponse(200, list(['Spooler', 'VPN'])));
    const input = screen.getByLabelText('Nouveau titre');
    await user.clear(input);
    await user.type(input, 'Spooler{Enter}');
    await waitFor(() => expect(document.activeElement?.closest('[data-conversation-id]')?.getAttribute('data-conversation-id')).toBe('c1'));
    expect(document.activeElement?.textContent).toContain('Spooler');

    fetchMock.mockResolvedValueOnce(new Response(null, { status: 204 })).mockResolvedValueOnce(jsonResponse(200, { ...list([]), conversations: [{ conversation_id: 'c2', title: 'VPN', message_count: 2 }] }));
    await user.click(screen.getByRole('button', { name: 'Supprimer la conversation Spooler' }));
    await user.click(await screen.findByRole('button', { name: 'Supprimer' }));
    await waitFor(() => expect(document.activeElement?.closest('[data-conversation-id]')?.getAttribute('data-conversation-id')).toBe('c2'));
  });
});
