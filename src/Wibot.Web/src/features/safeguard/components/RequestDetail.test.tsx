// @vitest-environment jsdom
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { SafeguardRequest } from '@/lib/schemas';
import { mockFetchPerTest } from '@/lib/test-storage';
import { createTestQueryClient, jsonResponse, renderWithProviders } from '@/lib/test-utils';
import { safeguardKeys } from '../api/safeguard';
import { RequestDetail } from './RequestDetail';

const NOW = Date.parse('2026-11-23T09:00:00Z');

function request(overrides: Partial<SafeguardRequest> = {}): SafeguardRequest {
  return {
    request_id: 'APR-007',
    tool: 'ad_reset_password',
    arguments: { user: 'jdupont' },
    level: 'L3',
    status: 'pending',
    reason: 'Mot de passe oublié',
    requested_by: 'outil-ad',
    requested_for: null,
    created_at: '2026-11-23T08:55:00Z',
    expires_at: '2026-11-23T09:40:00Z',
    can_decide: true,
    ...overrides,
  };
}

describe('Safeguard request detail', () => {
  const fetchMock = mockFetchPerTest();

  it('disables both buttons for an N1 technician on an L3 request, and says why', () => {
    renderWithProviders(<RequestDetail request={request({ can_decide: false })} now={NOW} accreditation="N1" onDecided={vi.fn()} />);
    const approve = screen.getByRole('button', { name: 'Approuver' });
    const reject = screen.getByRole('button', { name: 'Rejeter' });
    expect(approve.hasAttribute('disabled')).toBe(true);
    expect(reject.hasAttribute('disabled')).toBe(true);
    const reason = screen.getByTestId('decision-blocked');
    expect(reason.textContent).toContain('Accréditation insuffisante pour une action L3');
    // The reason is the buttons' description for assistive technologies.
    expect(approve.getAttribute('aria-describedby')).toBe(reason.id);
    expect(screen.getByTestId('request-arguments').textContent).toContain('"user": "jdupont"');
  });

  it('explains a request made on the user behalf even with a high accreditation', () => {
    renderWithProviders(
      <RequestDetail request={request({ can_decide: false, requested_for: 'tech3' })} now={NOW} accreditation="N3" onDecided={vi.fn()} />,
    );
    expect(screen.getByTestId('decision-blocked').textContent).toContain('Demande faite en votre nom');
  });

  it('refuses to reject without a comment, then approves and drops the request from the cached queue', async () => {
    const client = createTestQueryClient();
    client.setQueryData(safeguardKeys.list('pending'), [request(), request({ request_id: 'APR-008' })]);
    fetchMock.mockResolvedValue(jsonResponse(200, { success: true, ...request({ status: 'approved' }) }));
    const onDecided = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(<RequestDetail request={request()} now={NOW} accreditation="N3" onDecided={onDecided} />, client);

    expect(screen.queryByTestId('decision-blocked')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Rejeter' }));
    expect(screen.getByRole('alert').textContent).toContain('Un commentaire est obligatoire pour rejeter une demande.');
    expect(fetchMock).not.toHaveBeenCalled();

    await user.type(screen.getByLabelText(/Commentaire/), 'Vu avec le client');
    await user.click(screen.getByRole('button', { name: 'Approuver' }));
    await vi.waitFor(() => expect(onDecided).toHaveBeenCalledWith('Demande APR-007 approuvée.', expect.objectContaining({ request_id: 'APR-007', status: 'approved' })));
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('/webhook/wibot/safeguard/approve');
    expect(JSON.parse(init.body as string)).toEqual({ request_id: 'APR-007', comment: 'Vu avec le client' });
    const pending = client.getQueryData<SafeguardRequest[]>(safeguardKeys.list('pending'));
    expect(pending?.map((r) => r.request_id)).toEqual(['APR-008']);
    expect(client.getQueryState(safeguardKeys.list('pending'))?.isInvalidated).toBe(true);
  });

  it('shows the server refusal (403) in French', async () => {
    fetchMock.mockResolvedValue(jsonResponse(403, { title: 'Forbidden', status: 403 }, 'application/problem+json'));
    const user = userEvent.setup();
    renderWithProviders(<RequestDetail request={request()} now={NOW} accreditation="N3" onDecided={vi.fn()} />);
    await user.click(screen.getByRole('button', { name: 'Approuver' }));
    expect((await screen.findByRole('alert')).textContent).toContain("Votre niveau d'accréditation ne permet pas de décider cette demande.");
  });

  const HASH = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';

  it('shows where a gateway request came from, its arguments binding and what the run returned', async () => {
    const user = userEvent.setup();
    renderWithProviders(
      <RequestDetail
        request={request({
          status: 'approved',
          can_decide: false,
          origin: 'gateway',
          server: 'mcp-ad',
          requested_by: 'agent-ops',
          arguments_sha256: HASH,
          decided_by: 'tech3',
          decided_at: '2026-11-23T08:58:00Z',
          execution: {
            status: 'succeeded',
            started_at: '2026-11-23T08:58:01Z',
            finished_at: '2026-11-23T08:58:03Z',
            result_excerpt: '{"reset": true, "user": "jdupont"}',
          },
        })}
        now={NOW}
        accreditation="N3"
        onDecided={vi.fn()}
      />,
    );
    expect(screen.getByTestId('request-origin').textContent).toBe('agent externe (passerelle MCP) — agent-ops');
    expect(screen.getByText('Origine').tagName).toBe('DT');
    expect(screen.getByText('Serveur').tagName).toBe('DT');
    expect(screen.getByTestId('request-server').textContent).toBe('mcp-ad');
    expect(screen.queryByTestId('request-conversation')).toBeNull();

    const binding = screen.getByTestId('request-binding');
    expect(within(binding).getByRole('heading', { name: 'Empreinte des arguments (SHA-256)' })).toBeTruthy();
    const hash = screen.getByTestId('request-arguments-sha256');
    expect(hash.tagName).toBe('CODE');
    expect(hash.textContent).toBe(HASH);
    expect(binding.textContent).toContain("L'action ne s'exécutera qu'avec exactement ces arguments");
    await user.click(within(binding).getByRole('button', { name: "Copier l'empreinte" }));
    expect(await navigator.clipboard.readText()).toBe(HASH);
    expect(within(binding).getByRole('button', { name: 'Empreinte copiée' })).toBeTruthy();

    const execution = screen.getByTestId('request-execution');
    expect(within(execution).getByRole('heading', { name: 'Exécution' })).toBeTruthy();
    expect(within(execution).getByTestId('execution-status').textContent).toBe('Réussie');
    expect(execution.textContent).toContain('Démarrée le');
    expect(execution.textContent).toContain('Terminée le');
    expect(within(execution).getByRole('heading', { name: 'Extrait du résultat' })).toBeTruthy();
    expect(screen.getByTestId('execution-result').textContent).toBe('{"reset": true, "user": "jdupont"}');
    expect(screen.queryByTestId('execution-denied')).toBeNull();
    // A decided request has no decision buttons.
    expect(screen.queryByRole('button', { name: 'Approuver' })).toBeNull();
  });

  it('gives the reason of a run refused at execution time', () => {
    renderWithProviders(
      <RequestDetail
        request={request({
          status: 'approved',
          can_decide: false,
          origin: 'chat',
          server: 'mcp-ad',
          requested_by: 'tech1',
          conversation_id: '5b1f4c9e-3d2a-4f61-9c7e-2a8d0b6e4f10',
          arguments_sha256: HASH,
          decided_at: '2026-11-23T08:58:00Z',
          execution: { status: 'denied', started_at: null, finished_at: '2026-11-23T08:58:01Z', result_excerpt: "L'outil a été désactivé depuis l'approbation." },
        })}
        now={NOW}
        accreditation="N3"
        onDecided={vi.fn()}
      />,
    );
    // A conversation request: no requester appended to the origin, the conversation id as text.
    expect(screen.getByTestId('request-origin').textContent).toBe('conversation (assistant)');
    expect(screen.getByTestId('request-conversation').textContent).toBe('5b1f4c9e-3d2a-4f61-9c7e-2a8d0b6e4f10');
    const execution = screen.getByTestId('request-execution');
    expect(within(execution).getByTestId('execution-status').textContent).toBe("Refusée à l'exécution");
    expect(screen.getByTestId('execution-denied-reason').textContent).toBe("Motif : L'outil a été désactivé depuis l'approbation.");
    expect(execution.textContent).toContain('Refusée le');
    expect(execution.textContent).not.toContain('Démarrée le');
    expect(screen.queryByTestId('execution-result')).toBeNull();
    // Not an error of this page: nothing is announced as an alert.
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('renders an older API request without the new fields as before', () => {
    renderWithProviders(<RequestDetail request={request()} now={NOW} accreditation="N3" onDecided={vi.fn()} />);
    const detail = screen.getByTestId('request-detail');
    expect(screen.getAllByRole('heading').map((h) => h.textContent)).toEqual(['APR-007', 'Arguments']);
    expect([...detail.querySelectorAll('dt')].map((dt) => dt.textContent)).toEqual([
      'Outil',
      'Motif',
      'Demandée par',
      'Pour le compte de',
      'Créée le',
      'Expire le',
    ]);
    for (const id of ['request-origin', 'request-server', 'request-conversation', 'request-binding', 'request-execution', 'execution-status']) {
      expect(screen.queryByTestId(id)).toBeNull();
    }
    expect(screen.getByTestId('request-arguments').textContent).toContain('"user": "jdupont"');
    expect(screen.getByRole('button', { name: 'Approuver' }).hasAttribute('disabled')).toBe(false);
  });

  it('names an API request\'s tool server and key, even when nothing is bound or run yet', () => {
    // As the server sends it: every new field present, `execution` null (the generated type says optional only).
    const fromServer = { ...request({ origin: 'api', server: null, conversation_id: null, arguments_sha256: null }), execution: null } as unknown as SafeguardRequest;
    renderWithProviders(
      <RequestDetail
        request={fromServer}
        now={NOW}
        accreditation="N3"
        onDecided={vi.fn()}
      />,
    );
    expect(screen.getByTestId('request-origin').textContent).toBe("serveur d'outils (API) — outil-ad");
    expect(screen.queryByTestId('request-server')).toBeNull();
    expect(screen.queryByTestId('request-binding')).toBeNull();
    expect(screen.queryByTestId('request-execution')).toBeNull();
    expect(screen.getAllByRole('heading').map((h) => h.textContent)).toEqual(['APR-007', 'Arguments']);
  });
});
