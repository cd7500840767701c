// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setSession } from '@/lib/session';
import { installMemoryStorage } from '@/lib/test-storage';
import { jsonResponse, renderWithProviders } from '@/lib/test-utils';
import { SafeguardNavBadge } from './SafeguardNavBadge';
import { SafeguardPage } from './SafeguardPage';

const pending = {
  request_id: 'APR-007',
  tool: 'ad_reset_password',
  arguments: { user: 'jdupont' },
  level: 'L3',
  status: 'pending',
  reason: 'Mot de passe oublié',
  requested_by: 'outil-ad',
  created_at: new Date().toISOString(),
  expires_at: new Date(Date.now() + 3_600_000).toISOString(),
  can_decide: true,
};

describe('SafeguardPage', () => {
  let queue: (typeof pending)[];
  let all: (typeof pending)[];
  let failList: boolean;
  let single: Record<string, typeof pending & { decided_by?: string }>;
  beforeEach(() => {
    installMemoryStorage();
    setSession({
      token: 't',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      user: { id: 3, username: 'tech3', email: null, role: 'user', accreditation_level: 'N3' },
    });
    queue = [pending];
    all = [];
    failList = false;
    single = {};
    vi.stubGlobal(
      'fetch',
      vi.fn((url: string) => {
        const one = /\/safeguard\/requests\/([^/?]+)$/.exec(url);
        if (one) {
          const found = single[decodeURIComponent(one[1] ?? '')];
          return Promise.resolve(found ? jsonResponse(200, { success: true, ...found }) : jsonResponse(404, { title: 'Not Found', status: 404 }));
        }
        // No event stream on this "server": the page falls back to polling.
        if (url.endsWith('/safeguard/events')) return Promise.resolve(jsonResponse(404, { title: 'Not Found', status: 404 }));
        if (url.endsWith('/safeguard/approve')) {
          queue = queue.filter((r) => r.request_id !== pending.request_id);
          return Promise.resolve(jsonResponse(200, { success: true, ...pending, status: 'approved' }));
        }
        if (failList) return Promise.resolve(jsonResponse(500, { title: 'Erreur interne', status: 500 }));
        if (url.includes('status=all')) return Promise.resolve(jsonResponse(200, { success: true, requests: all }));
        return Promise.resolve(jsonResponse(200, { success: true, requests: queue }));
      }),
    );
  });
  afterEach(() => vi.unstubAllGlobals());

  it('confirms an approval even though the decided request leaves the list', async () => {
    const user = userEvent.setup();
    renderWithProviders(<SafeguardPage />);
    const detail = await screen.findByTestId('request-detail');
    expect(screen.getByTestId('safeguard-live').textContent).toContain('toutes les 10 secondes');
    await user.click(within(detail).getByRole('button', { name: 'Approuver' }));
    expect((await screen.findByText('Demande APR-007 approuvée.')).closest('[role="status"]')).not.toBeNull();
    expect(await screen.findByTestId('safeguard-empty')).toBeTruthy();
    // The decided request stays shown, marked as treated, its buttons disabled.
    expect((await screen.findByTestId('request-gone')).textContent).toContain('Cette demande a été traitée (approuvée).');
    expect(screen.getByRole('button', { name: 'Approuver' }).hasAttribute('disabled')).toBe(true);
  });

  const other = { ...pending, request_id: 'APR-008', tool: 'vm_restart', reason: 'Redémarrage' };

  it('never moves the decision buttons to another request after a decision', async () => {
    queue = [pending, other];
    const user = userEvent.setup();
    renderWithProviders(<SafeguardPage />);
    const detail = await screen.findByTestId('request-detail');
    expect(detail.getAttribute('data-request-id')).toBe('APR-007');
    await user.click(within(detail).getByRole('button', { name: 'Approuver' }));
    await screen.findByText('Demande APR-007 approuvée.');
    // The list now holds only APR-008, but the detail (and its buttons) still belong to APR-007.
    await waitFor(() => expect(screen.getAllByRole('listitem').map((li) => li.getAttribute('data-request-id'))).toEqual(['APR-008']));
    expect(screen.getByTestId('request-detail').getAttribute('data-request-id')).toBe('APR-007');
    expect(screen.getByTestId('request-gone').textContent).toContain('approuvée');
    expect(screen.getByRole('button', { name: 'Approuver' }).hasAttribute('disabled')).toBe(true);
    // Only an explicit choice shows the other request.
    await user.click(screen.getByRole('button', { name: /APR-008/ }));
    expect(screen.getByTestId('request-detail').getAttribute('data-request-id')).toBe('APR-008');
    expect(screen.getByRole('button', { name: 'Approuver' }).hasAttribute('disabled')).toBe(false);
  });

  it('keeps the request being read (and the typed comment) when an update removes it', async () => {
    queue = [pending, other];
    const user = userEvent.setup();
    renderWithProviders(<SafeguardPage />);
    const detail = await screen.findByTestId('request-detail');
    await user.type(within(detail).getByRole('textbox'), 'Vérifié avec le client');
    // Someone else rejected it: the next read no longer lists it, the history says how it ended.
    queue = [other];
    all = [{ ...pending, status: 'rejected' }];
    await user.click(screen.getByRole('button', { name: 'Actualiser' }));
    expect((await screen.findByTestId('request-gone')).textContent).toContain('Cette demande a été traitée (rejetée).');
    const still = screen.getByTestId('request-detail');
    expect(still.getAttribute('data-request-id')).toBe('APR-007');
    expect(within(still).getByRole<HTMLTextAreaElement>('textbox').value).toBe('Vérifié avec le client');
    expect(within(still).getByRole('button', { name: 'Approuver' }).hasAttribute('disabled')).toBe(true);
    expect(within(still).getByRole('button', { name: 'Rejeter' }).hasAttribute('disabled')).toBe(true);
  });

  it('tells in the row where a request came from and how its run ended', async () => {
    const ran = {
      ...pending,
      status: 'approved',
      origin: 'gateway',
      server: 'mcp-ad',
      requested_by: 'agent-ops',
      arguments_sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      decided_at: new Date().toISOString(),
      execution: { status: 'succeeded', started_at: null, finished_at: null, result_excerpt: 'ok' },
    };
    queue = [ran, other];
    renderWithProviders(<SafeguardPage />);
    const row = await screen.findByRole('button', { name: /APR-007/ });
    expect(row.textContent).toContain('Passerelle MCP · mcp-ad · ');
    expect(within(row).getByTestId('execution-status').textContent).toBe('Exécution réussie');
    // An older request: the row reads as before.
    const older = screen.getByRole('button', { name: /APR-008/ });
    expect(within(older).queryByTestId('execution-status')).toBeNull();
    expect(older.textContent).not.toContain(' · ');
    expect(within(screen.getByTestId('request-detail')).getByTestId('execution-status').textContent).toBe('Réussie');
  });

  it('opens the request of a link (/safeguard/APR-…) instead of the first one', async () => {
    queue = [pending, other];
    renderWithProviders(<SafeguardPage requestId="APR-008" />);
    await waitFor(() => expect(screen.getByTestId('request-detail').getAttribute('data-request-id')).toBe('APR-008'));
    expect(screen.getByRole('button', { name: /APR-008/ }).getAttribute('aria-current')).toBe('true');
  });

  it('reads a linked request that is no longer pending on its own and shows how it ended', async () => {
    const decided = { ...pending, request_id: 'APR-005', status: 'approved', decided_by: 'tech4' };
    single = { 'APR-005': decided };
    all = [decided];
    renderWithProviders(<SafeguardPage requestId="APR-005" />);
    const detail = await screen.findByTestId('request-detail');
    expect(detail.getAttribute('data-request-id')).toBe('APR-005');
    expect((await screen.findByTestId('request-gone')).textContent).toContain('Cette demande a été traitée (approuvée).');
    const approve = within(detail).queryByRole('button', { name: 'Approuver' });
    expect(approve === null || approve.hasAttribute('disabled')).toBe(true);
    expect(within(detail).getAllByText('Approuvée').length).toBeGreaterThan(0);
    // The pending request is listed, not selected in its place.
    expect(screen.getByRole('button', { name: /APR-007/ }).getAttribute('aria-current')).toBeNull();
  });

  it('says so when a linked request does not exist', async () => {
    renderWithProviders(<SafeguardPage requestId="APR-999" />);
    expect((await screen.findByTestId('safeguard-linked-error')).textContent).toContain('La demande APR-999 est introuvable.');
    expect(screen.queryByTestId('request-detail')).toBeNull();
  });

  it('shows a failed list as an error with a retry, without a spinner', async () => {
    failList = true;
    const user = userEvent.setup();
    renderWithProviders(<SafeguardPage />);
    const error = await screen.findByTestId('safeguard-error');
    expect(screen.queryByText('Chargement…')).toBeNull();
    failList = false;
    await user.click(within(error).getByRole('button', { name: 'Réessayer' }));
    expect(await screen.findByTestId('request-detail')).toBeTruthy();
    expect(screen.queryByTestId('safeguard-error')).toBeNull();
  });
});

describe('SafeguardNavBadge', () => {
  beforeEach(() => {
    installMemoryStorage();
    setSession({
      token: 't',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      user: { id: 3, username: 'tech3', email: null, role: 'user', accreditation_level: 'N3' },
    });
    vi.stubGlobal(
      'fetch',
      vi.fn((url: string) =>
        Promise.resolve(
          url.endsWith('/safeguard/events')
            ? jsonResponse(404, { status: 404 })
            : jsonResponse(200, { success: true, requests: [pending, { ...pending, request_id: 'APR-008' }, { ...pending, request_id: 'APR-009' }] }),
        ),
      ),
    );
  });
  afterEach(() => vi.unstubAllGlobals());

  it('gives the navigation link the name "Safeguard, 3 demandes en attente"', async () => {
    renderWithProviders(
      <a href="/safeguard">
        Safeguard
        <SafeguardNavBadge />
      </a>,
    );
    expect(await screen.findByRole('link', { name: 'Safeguard, 3 demandes en attente' })).toBeTruthy();
    expect(screen.getByTestId('safeguard-pending-count').textContent).toBe('3');
  });
});
