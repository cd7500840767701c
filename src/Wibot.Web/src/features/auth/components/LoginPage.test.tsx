// @vitest-environment jsdom
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { getSession } from '@/lib/session';
import { mockFetchPerTest } from '@/lib/test-storage';
import { jsonResponse, renderWithProviders } from '@/lib/test-utils';
import { LoginPage } from './LoginPage';

describe('LoginPage', () => {
  const fetchMock = mockFetchPerTest();

  it('asks for both fields without calling the server', async () => {
    const user = userEvent.setup();
    renderWithProviders(<LoginPage />);
    await user.click(screen.getByRole('button', { name: 'Se connecter' }));
    expect(screen.getByRole('alert').textContent).toContain("Saisissez votre nom d'utilisateur et votre mot de passe.");
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('shows the French error on a wrong password, and keeps the user on the form', async () => {
    fetchMock.mockResolvedValue(jsonResponse(401, { title: 'Unauthorized', status: 401 }, 'application/problem+json'));
    const user = userEvent.setup();
    renderWithProviders(<LoginPage />);
    await user.type(screen.getByLabelText(/Nom d'utilisateur/), 'admin');
    await user.type(screen.getByLabelText(/^Mot de passe/), 'faux');
    await user.click(screen.getByRole('button', { name: 'Se connecter' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Identifiants invalides ou compte désactivé.');
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('/webhook/auth/login');
    expect(JSON.parse(init.body as string)).toEqual({ username: 'admin', password: 'faux' });
    expect(getSession()).toBeNull();
  });

  it('says when attempts are throttled', async () => {
    fetchMock.mockResolvedValue(jsonResponse(429, { title: 'Too Many Requests', status: 429 }, 'application/problem+json'));
    const user = userEvent.setup();
    renderWithProviders(<LoginPage />);
    await user.type(screen.getByLabelText(/Nom d'utilisateur/), 'admin');
    await user.type(screen.getByLabelText(/^Mot de passe/), 'x');
    await user.keyboard('{Enter}');
    expect((await screen.findByRole('alert')).textContent).toContain('Trop de tentatives, réessayez plus tard');
  });

  it('stores the session on success', async () => {
    fetchMock.mockResolvedValue(
      jsonResponse(200, {
        success: true,
        token: 'jwt',
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        user: { id: 1, username: 'admin', email: 'a@widip.fr', role: 'admin', accreditation_level: 'N4' },
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<LoginPage />);
    await user.type(screen.getByLabelText(/Nom d'utilisateur/), 'admin');
    await user.type(screen.getByLabelText(/^Mot de passe/), 'secret');
    await user.click(screen.getByRole('button', { name: 'Se connecter' }));
    await vi.waitFor(() => expect(getSession()?.token).toBe('jwt'));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
