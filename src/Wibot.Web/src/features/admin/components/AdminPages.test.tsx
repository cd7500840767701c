// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AdminUser } from '@/lib/schemas';
import { setSession } from '@/lib/session';
import { installMemoryStorage } from '@/lib/test-storage';
import { jsonResponse, renderWithProviders } from '@/lib/test-utils';
import { AdminUsersPage } from './AdminUsersPage';
import { DocumentsPage } from './DocumentsPage';
import { EditUserDialog } from './EditUserDialog';

const alain: AdminUser = { id: 2, username: 'alain', email: 'alain@widip.fr', role: 'user', accreditation_level: 'N2', used_tokens: 500, quota_tokens: 50_000, is_active: true };

describe('administration pages', () => {
  let fetchMock: ReturnType<typeof vi.fn>;
  beforeEach(() => {
    installMemoryStorage();
    setSession({
      token: 't',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      user: { id: 1, username: 'admin', email: null, role: 'admin', accreditation_level: 'N4' },
    });
    fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('Enter in "Nombre de tokens" adds the tokens, it does not save (and close) the main form', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { success: true, ...alain, quota_tokens: 55_000 }));
    const onClose = vi.fn();
    const onSaved = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(<EditUserDialog user={alain} onClose={onClose} onSaved={onSaved} />);
    const field = await screen.findByLabelText('Nombre de tokens');
    await user.clear(field);
    await user.type(field, '5000{Enter}');
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith('5 000 tokens ajoutés à « alain ».'.replace(' ', '\u202f')));
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('/webhook/wibot/admin/users');
    expect(JSON.parse(init.body as string)).toEqual({ user_id: 2, add_tokens: 5000 });
    expect(onClose).not.toHaveBeenCalled();
  });

  it('shows a failed users list as an error with a working retry, not a spinner', async () => {
    fetchMock.mockResolvedValueOnce(jsonResponse(500, { title: 'Erreur interne', status: 500 }, 'application/problem+json'));
    const user = userEvent.setup();
    renderWithProviders(<AdminUsersPage />);
    const error = await screen.findByTestId('users-error');
    expect(screen.queryByText('Chargement…')).toBeNull();
    fetchMock.mockResolvedValue(jsonResponse(200, { success: true, users: [alain] }));
    await user.click(within(error).getByRole('button', { name: 'Réessayer' }));
    expect(await screen.findByRole('button', { name: 'Modifier alain' })).toBeTruthy();
    expect(screen.queryByTestId('users-error')).toBeNull();
  });

  it('says the documents list failed instead of "Aucun document"', async () => {
    fetchMock.mockResolvedValueOnce(jsonResponse(500, { title: 'Erreur interne', status: 500 }, 'application/problem+json'));
    const user = userEvent.setup();
    renderWithProviders(<DocumentsPage />);
    const error = await screen.findByTestId('documents-error');
    expect(screen.queryByTestId('documents-empty')).toBeNull();
    expect(screen.queryByText('Chargement…')).toBeNull();
    fetchMock.mockResolvedValue(jsonResponse(200, { success: true, documents: [] }));
    await user.click(within(error).getByRole('button', { name: 'Réessayer' }));
    expect(await screen.findByTestId('documents-empty')).toBeTruthy();
  });
});
