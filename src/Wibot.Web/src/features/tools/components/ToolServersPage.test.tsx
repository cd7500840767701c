// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setSession } from '@/lib/session';
import { installMemoryStorage } from '@/lib/test-storage';
import { jsonResponse, renderWithProviders } from '@/lib/test-utils';
import type { ToolServer } from '../api/tool-servers';
import { ToolServersPage } from './ToolServersPage';

const BASE = '/webhook/wibot/admin/mcp-servers';
const GLPI_ID = '3f1c9a52-7e0b-4d5e-9a61-0c2b8f4e1a10';
const AD_ID = '8b2e4d11-2c3a-4f6b-8e9d-5a7c1b3d9e20';

const glpi: ToolServer = {
  server_id: GLPI_ID,
  name: 'glpi',
  url: 'https://glpi.widip.local/mcp',
  enabled: true,
  status: 'ok',
  error: null,
  created_at: '2025-03-02T09:30:00Z',
  header_names: ['Authorization'],
  tools: [
    {
      name: 'close_ticket',
      title: 'Clore un ticket',
      description: 'Ferme le ticket donné avec une note de résolution.',
      level: 'L3',
      enabled: false,
      annotations: { readOnlyHint: false, destructiveHint: true },
    },
    {
      name: 'search_tickets',
      title: 'Rechercher des tickets',
      description: 'Recherche plein texte dans les tickets GLPI.',
      level: 'L0',
      enabled: true,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
  ],
};

const ad: ToolServer = {
  server_id: AD_ID,
  name: 'ad-tools',
  url: 'http://ad.widip.local:8080/mcp',
  enabled: true,
  status: 'unreachable',
  error: 'Connexion refusée (ad.widip.local:8080)',
  created_at: '2025-03-01T08:00:00Z',
  header_names: [],
  tools: [],
};

interface Call {
  url: string;
  method: string;
  body: unknown;
}

type Handler = (call: Call) => Response | undefined;

describe('ToolServersPage', () => {
  let servers: ToolServer[];
  let calls: Call[];
  let handler: Handler;

  beforeEach(() => {
    installMemoryStorage();
    setSession({
      token: 't',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      user: { id: 1, username: 'admin', email: null, role: 'admin', accreditation_level: 'N4' },
    });
    servers = [ad, glpi].map((s) => structuredClone(s));
    calls = [];
    handler = () => undefined;
    vi.stubGlobal(
      'fetch',
      vi.fn((url: string, init?: RequestInit) => {
        const call: Call = { url, method: init?.method ?? 'GET', body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined };
        calls.push(call);
        const answer = handler(call);
        if (answer) return Promise.resolve(answer);
        if (call.method === 'GET' && url === BASE) return Promise.resolve(jsonResponse(200, { success: true, servers }));
        return Promise.resolve(jsonResponse(500, { title: 'Unexpected call', status: 500 }, 'application/problem+json'));
      }),
    );
  });
  afterEach(() => vi.unstubAllGlobals());

  const card = async (name: string) => within(await screen.findByRole('article', { name }));
  const writes = () => calls.filter((c) => c.method !== 'GET');

  it('lists the servers with their state and their tools with levels, flags and server hints', async () => {
    renderWithProviders(<ToolServersPage />);
    const glpiCard = await card('glpi');
    expect(glpiCard.getByText('joignable')).toBeTruthy();
    expect(glpiCard.getByText('https://glpi.widip.local/mcp')).toBeTruthy();
    expect(glpiCard.getByText('Authorization')).toBeTruthy();
    expect(glpiCard.getByRole<HTMLInputElement>('switch', { name: 'Activé — serveur glpi' }).checked).toBe(true);

    const table = glpiCard.getByRole('table', { name: 'Outils du serveur glpi' });
    const search = within(table).getByText('search_tickets').closest('tr') as HTMLElement;
    expect(within(search).getByText('Rechercher des tickets')).toBeTruthy();
    expect(within(search).getByText('lecture seule (indice du serveur)')).toBeTruthy();
    expect(within(search).getByText('périmètre fermé (indice du serveur)')).toBeTruthy();
    expect(within(search).getByRole<HTMLSelectElement>('combobox', { name: "Niveau de l'outil search_tickets" }).value).toBe('L0');
    expect(within(search).getByRole<HTMLInputElement>('switch', { name: "Activer l'outil search_tickets" }).checked).toBe(true);

    const close = within(table).getByText('close_ticket').closest('tr') as HTMLElement;
    expect(within(close).getByText('destructif (indice du serveur)')).toBeTruthy();
    expect(within(close).getByText('modifie des données (indice du serveur)')).toBeTruthy();
    expect(within(close).getByRole<HTMLSelectElement>('combobox', { name: "Niveau de l'outil close_ticket" }).value).toBe('L3');
    expect(within(close).getByRole<HTMLInputElement>('switch', { name: "Activer l'outil close_ticket" }).checked).toBe(false);

    const adCard = await card('ad-tools');
    expect(adCard.getByText('injoignable')).toBeTruthy();
    expect(adCard.getByTestId('server-error').textContent).toContain('Connexion refusée (ad.widip.local:8080)');
    expect(adCard.getByTestId('no-tools')).toBeTruthy();
    // The levels are explained once, on the page.
    expect(screen.getByText(/s'exécute sans approbation \(lectures\)/)).toBeTruthy();
  });

  it('saves a new level at once with PUT …/tools/{tool} and {level}', async () => {
    handler = (call) =>
      call.method === 'PUT' ? jsonResponse(200, { success: true, ...glpi.tools[1], level: 'L2' }) : undefined;
    const user = userEvent.setup();
    renderWithProviders(<ToolServersPage />);
    const select = (await card('glpi')).getByRole<HTMLSelectElement>('combobox', { name: "Niveau de l'outil search_tickets" });
    await user.selectOptions(select, 'L2');
    expect(select.value).toBe('L2');
    await waitFor(() => expect(writes()).toHaveLength(1));
    expect(writes()[0]).toEqual({ url: `${BASE}/${GLPI_ID}/tools/search_tickets`, method: 'PUT', body: { level: 'L2' } });
    await waitFor(() => expect(screen.queryByText('Enregistrement…')).toBeNull());
    expect(select.value).toBe('L2');
  });

  it('puts a refused change back and says why', async () => {
    handler = (call) =>
      call.method === 'PUT' ? jsonResponse(404, { title: 'Not found.', status: 404, detail: 'Tool' }, 'application/problem+json') : undefined;
    const user = userEvent.setup();
    renderWithProviders(<ToolServersPage />);
    const glpiCard = await card('glpi');
    const toggle = glpiCard.getByRole<HTMLInputElement>('switch', { name: "Activer l'outil close_ticket" });
    await user.click(toggle);
    expect(await glpiCard.findByText(/Cet outil n'existe plus sur ce serveur/)).toBeTruthy();
    expect(writes()[0]).toEqual({ url: `${BASE}/${GLPI_ID}/tools/close_ticket`, method: 'PUT', body: { enabled: true } });
    expect(toggle.checked).toBe(false);
  });

  it('adds a server with its headers and shows why an unreachable one could not be listed', async () => {
    const added: ToolServer = {
      server_id: '0d6f1e2a-9b8c-4a7d-8e6f-5c4b3a291807',
      name: 'supervision',
      url: 'https://supervision.widip.local/mcp',
      enabled: true,
      status: 'unreachable',
      error: 'Délai dépassé après 10 s',
      created_at: '2025-03-03T10:00:00Z',
      header_names: ['X-Api-Key'],
      tools: [],
    };
    handler = (call) => {
      if (call.method !== 'POST') return undefined;
      servers = [...servers, added];
      return jsonResponse(201, { success: true, ...added });
    };
    const user = userEvent.setup();
    renderWithProviders(<ToolServersPage />);
    await card('glpi');
    const form = within(screen.getByRole('form', { name: 'Ajouter un serveur' }));
    await user.type(form.getByRole('textbox', { name: /^Nom( \*)?$/ }), 'supervision');
    await user.type(form.getByLabelText(/^URL du serveur MCP/), 'https://supervision.widip.local/mcp');
    await user.click(form.getByRole('button', { name: 'Ajouter un en-tête' }));
    await user.type(form.getByLabelText("Nom de l'en-tête 1"), 'X-Api-Key');
    const value = form.getByLabelText("Valeur de l'en-tête 1");
    expect(value.getAttribute('type')).toBe('password');
    await user.type(value, 's3cr3t');
    expect(form.getByText(/enregistrées chiffrées et ne seront plus jamais affichées/)).toBeTruthy();
    await user.click(form.getByRole('button', { name: 'Ajouter le serveur' }));

    await waitFor(() => expect(writes()).toHaveLength(1));
    expect(writes()[0]).toEqual({
      url: BASE,
      method: 'POST',
      body: { name: 'supervision', url: 'https://supervision.widip.local/mcp', headers: { 'X-Api-Key': 's3cr3t' } },
    });
    const notice = await screen.findByText(/Serveur « supervision » enregistré mais injoignable : Délai dépassé après 10 s/);
    expect(notice.closest('[data-tone]')?.getAttribute('data-tone')).toBe('warning');
    const newCard = await card('supervision');
    expect(newCard.getByText('injoignable')).toBeTruthy();
    expect(newCard.getByTestId('server-error').textContent).toContain('Délai dépassé après 10 s');
    expect(newCard.getByText('X-Api-Key')).toBeTruthy();
    // The form is emptied, the secret with it.
    expect(form.getByRole<HTMLInputElement>('textbox', { name: /^Nom( \*)?$/ }).value).toBe('');
    expect(form.queryByLabelText("Valeur de l'en-tête 1")).toBeNull();
  });

  it('says a server of that name already exists on a 409', async () => {
    handler = (call) =>
      call.method === 'POST'
        ? jsonResponse(409, { title: 'Conflict.', status: 409, detail: 'A tool server already has this name.' }, 'application/problem+json')
        : undefined;
    const user = userEvent.setup();
    renderWithProviders(<ToolServersPage />);
    await card('glpi');
    const form = within(screen.getByRole('form', { name: 'Ajouter un serveur' }));
    await user.type(form.getByRole('textbox', { name: /^Nom( \*)?$/ }), 'glpi');
    await user.type(form.getByLabelText(/^URL du serveur MCP/), 'https://autre.widip.local/mcp');
    await user.click(form.getByRole('button', { name: 'Ajouter le serveur' }));
    const alert = await form.findByRole('alert');
    expect(alert.textContent).toContain('Un serveur porte déjà ce nom : choisissez-en un autre.');
    expect(writes()[0]?.body).toEqual({ name: 'glpi', url: 'https://autre.widip.local/mcp' });
    // What was typed stays, to be corrected.
    expect(form.getByRole<HTMLInputElement>('textbox', { name: /^Nom( \*)?$/ }).value).toBe('glpi');
  });

  it('checks the name and URL before sending, in French', async () => {
    const user = userEvent.setup();
    renderWithProviders(<ToolServersPage />);
    await card('glpi');
    const form = within(screen.getByRole('form', { name: 'Ajouter un serveur' }));
    await user.type(form.getByRole('textbox', { name: /^Nom( \*)?$/ }), 'mon serveur');
    await user.type(form.getByLabelText(/^URL du serveur MCP/), 'ftp://x');
    await user.click(form.getByRole('button', { name: 'Ajouter le serveur' }));
    expect(await form.findByText(/^Nom invalide/)).toBeTruthy();
    expect(form.getByText(/^URL invalide/)).toBeTruthy();
    expect(writes()).toHaveLength(0);
  });

  it('deletes a server only once confirmed', async () => {
    handler = (call) => {
      if (call.method !== 'DELETE') return undefined;
      servers = servers.filter((s) => s.server_id !== AD_ID);
      return new Response(null, { status: 204 });
    };
    const user = userEvent.setup();
    renderWithProviders(<ToolServersPage />);
    await user.click((await card('ad-tools')).getByRole('button', { name: 'Supprimer ad-tools' }));
    const dialog = await screen.findByRole('dialog', { name: 'Supprimer le serveur ?' });
    expect(writes()).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Supprimer' }));
    await waitFor(() => expect(screen.queryByRole('article', { name: 'ad-tools' })).toBeNull());
    expect(writes()).toEqual([{ url: `${BASE}/${AD_ID}`, method: 'DELETE', body: undefined }]);
    expect(await screen.findByText('Serveur « ad-tools » supprimé.')).toBeTruthy();
  });

  it('edits the URL and removes every header with {}', async () => {
    handler = (call) => {
      if (call.method !== 'PUT') return undefined;
      const changed = { ...glpi, url: 'https://glpi2.widip.local/mcp', header_names: [] };
      servers = servers.map((s) => (s.server_id === GLPI_ID ? changed : s));
      return jsonResponse(200, { success: true, ...changed });
    };
    const user = userEvent.setup();
    renderWithProviders(<ToolServersPage />);
    await user.click((await card('glpi')).getByRole('button', { name: 'Modifier glpi' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'Modifier « glpi »' }));
    const url = dialog.getByLabelText(/^URL du serveur MCP/);
    await user.clear(url);
    await user.type(url, 'https://glpi2.widip.local/mcp');
    await user.click(dialog.getByRole('checkbox', { name: /Remplacer les en-têtes/ }));
    // The saved name is offered again, its value is not.
    expect(dialog.getByLabelText<HTMLInputElement>("Nom de l'en-tête 1").value).toBe('Authorization');
    expect(dialog.getByLabelText<HTMLInputElement>("Valeur de l'en-tête 1").value).toBe('');
    await user.click(dialog.getByRole('button', { name: "Retirer l'en-tête 1 (Authorization)" }));
    await user.click(dialog.getByRole('button', { name: 'Enregistrer' }));
    await waitFor(() => expect(writes()).toHaveLength(1));
    expect(writes()[0]).toEqual({ url: `${BASE}/${GLPI_ID}`, method: 'PUT', body: { url: 'https://glpi2.widip.local/mcp', headers: {} } });
    expect(await screen.findByText('Serveur « glpi » mis à jour.')).toBeTruthy();
  });

  it('disables a server with its switch', async () => {
    handler = (call) => {
      if (call.method !== 'PUT') return undefined;
      servers = servers.map((s) => (s.server_id === GLPI_ID ? { ...s, enabled: false } : s));
      return jsonResponse(200, { success: true, ...glpi, enabled: false });
    };
    const user = userEvent.setup();
    renderWithProviders(<ToolServersPage />);
    const glpiCard = await card('glpi');
    await user.click(glpiCard.getByRole('switch', { name: 'Activé — serveur glpi' }));
    await waitFor(() => expect(writes()).toEqual([{ url: `${BASE}/${GLPI_ID}`, method: 'PUT', body: { enabled: false } }]));
    expect(await glpiCard.findByText("Serveur désactivé : WIBOT n'utilise aucun de ses outils.")).toBeTruthy();
  });
});
