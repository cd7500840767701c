// @vitest-environment jsdom
import { render, screen } from '@testing-library/react';
import { lazy, Suspense } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorBoundary } from '@/components/ui/ErrorBoundary';
import { clearSession, getSession, setSession } from '@/lib/session';
import { installMemoryStorage } from '@/lib/test-storage';
import { createTestQueryClient, jsonResponse } from '@/lib/test-utils';
import { App } from './App';
import { AppProviders } from './providers';

const user = { id: 2, username: 'tech', email: null, role: 'user', accreditation_level: 'N1' } as const;

describe('application shell', () => {
  beforeEach(() => {
    installMemoryStorage();
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.resolve(jsonResponse(404, { title: 'Not Found', status: 404 }))),
    );
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('ends an expired session on its own and says so on the login page', async () => {
    setSession({ token: 't', expiresAt: new Date(Date.now() + 1500).toISOString(), user });
    render(
      <AppProviders client={createTestQueryClient()}>
        <App />
      </AppProviders>,
    );
    expect(screen.getByTestId('new-conversation')).toBeTruthy();
    expect(await screen.findByText('Votre session a expiré, veuillez vous reconnecter.', undefined, { timeout: 5000 })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Se connecter' })).toBeTruthy();
    expect(localStorage.getItem('wibot.session')).toBeNull();
  });

  it('routes /safeguard/APR-… to the Safeguard page, its menu entry current', async () => {
    setSession({ token: 't', expiresAt: new Date(Date.now() + 3_600_000).toISOString(), user });
    window.history.pushState(null, '', '/safeguard/APR-12');
    try {
      render(
        <AppProviders client={createTestQueryClient()}>
          <App />
        </AppProviders>,
      );
      expect(await screen.findByRole('heading', { name: 'Safeguard — actions à valider' })).toBeTruthy();
      const current = screen.getAllByRole('link', { name: /^Safeguard/ }).filter((link) => link.getAttribute('aria-current') === 'page');
      expect(current.length).toBeGreaterThan(0);
    } finally {
      window.history.pushState(null, '', '/');
    }
  });

  it('forgets every cached answer when the user logs out (real providers)', () => {
    setSession({ token: 't', expiresAt: new Date(Date.now() + 3_600_000).toISOString(), user });
    const client = createTestQueryClient();
    render(
      <AppProviders client={client}>
        <p>contenu</p>
      </AppProviders>,
    );
    client.setQueryData(['chat', 'messages', 'c1'], { messages: [{ content: 'secret' }] });
    client.setQueryData(['tokens'], { used_tokens: 10 });
    expect(client.getQueryCache().getAll()).toHaveLength(2);
    clearSession('user');
    expect(getSession()).toBeNull();
    expect(client.getQueryCache().getAll()).toHaveLength(0);
  });
});

function Boom(): never {
  throw new Error('boom');
}

describe('ErrorBoundary', () => {
  beforeEach(() => vi.spyOn(console, 'error').mockImplementation(() => undefined));
  afterEach(() => vi.restoreAllMocks());

  it('shows a French message and a reload button instead of a blank screen', () => {
    render(
      <AppProviders client={createTestQueryClient()}>
        <ErrorBoundary scope="page">
          <Boom />
        </ErrorBoundary>
      </AppProviders>,
    );
    expect(screen.getByText('Une erreur inattendue est survenue')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Recharger' })).toBeTruthy();
  });

  it('explains a lazy page whose chunk is gone (old tab after a redeploy)', async () => {
    const Missing = lazy(() => Promise.reject(new TypeError('Failed to fetch dynamically imported module: /assets/AdminUsersPage-old.js')));
    render(
      <AppProviders client={createTestQueryClient()}>
        <ErrorBoundary scope="page">
          <Suspense fallback={<p>Chargement…</p>}>
            <Missing />
          </Suspense>
        </ErrorBoundary>
      </AppProviders>,
    );
    expect(await screen.findByText('Une nouvelle version de WIBOT est disponible')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Recharger' })).toBeTruthy();
  });
});
