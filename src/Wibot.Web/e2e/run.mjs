// Browser end-to-end test of the WIBOT web UI, run against a live backend (offline LLM provider).
// Usage: WIBOT_URL=http://127.0.0.1:5099 WIBOT_ADMIN_USER=admin WIBOT_ADMIN_PASSWORD=... node e2e/run.mjs
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const BASE_URL = (process.env.WIBOT_URL ?? '').replace(/\/+$/, '');
const ADMIN_USER = process.env.WIBOT_ADMIN_USER ?? 'admin';
const ADMIN_PASSWORD = process.env.WIBOT_ADMIN_PASSWORD ?? '';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
const TIMEOUT = 20_000;
// Entry path of the first visit (a real user types the site root).
const START_PATH = process.env.WIBOT_E2E_START_PATH ?? '/';

const TECH_USER = 'tech.e2e';
const TECH_PASSWORD = 'Tech-E2e-2026!wibot';
const TECH_PASSWORD_RESET = 'Tech-E2e-2026!reset';
const OFFLINE_ANSWER = "Aucun modèle de langage n'est configuré";

if (!BASE_URL || !ADMIN_PASSWORD) {
  console.error('WIBOT_URL and WIBOT_ADMIN_PASSWORD are required (WIBOT_ADMIN_USER defaults to admin).');
  process.exit(2);
}
mkdirSync(SCREENSHOTS, { recursive: true });

class AssertionError extends Error {}
function assert(condition, message) {
  if (!condition) throw new AssertionError(message);
}

let stepNumber = 0;
let page;
const pageErrors = [];

async function screenshot(name) {
  const file = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
  return file;
}

async function step(title, body) {
  stepNumber += 1;
  const label = `${String(stepNumber).padStart(2, '0')}`;
  process.stdout.write(`▶ ${label} ${title} … `);
  const started = Date.now();
  await body();
  assert(pageErrors.length === 0, `uncaught error in the page: ${pageErrors.join(' | ')}`);
  console.log(`ok (${Date.now() - started} ms)`);
}

const digits = (text) => Number(String(text).replace(/[^\d]/g, '') || 'NaN');

/** Calls the API directly (test set-up): JSON in and out; throws on an HTTP error. */
async function api(path, { method = 'GET', body, token, apiKey } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  if (apiKey) headers['X-Api-Key'] = apiKey;
  const response = await fetch(`${BASE_URL}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new AssertionError(`${method} ${path} → HTTP ${response.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

async function apiLogin(username, password) {
  const answer = await api('/webhook/auth/login', { method: 'POST', body: { username, password } });
  return answer.token;
}

async function login(username, password) {
  const form = page.locator('form[aria-labelledby="login-title"]');
  await form.waitFor({ timeout: TIMEOUT });
  await form.getByLabel("Nom d'utilisateur").fill(username);
  await form.getByLabel('Mot de passe').fill(password);
  await form.getByRole('button', { name: 'Se connecter' }).click();
}

async function expectLoggedIn(username) {
  await page.locator('.topbar__user', { hasText: username }).waitFor({ timeout: TIMEOUT });
}

async function logout() {
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.locator('form[aria-labelledby="login-title"]').waitFor({ timeout: TIMEOUT });
}

async function gaugeUsed() {
  const gauge = page.getByTestId('token-gauge');
  await gauge.waitFor({ timeout: TIMEOUT });
  return Number(await gauge.getAttribute('data-used'));
}

async function sendMessage(text) {
  const before = await page.locator('.msg--assistant').count();
  await page.getByLabel('Votre message').fill(text);
  await page.getByRole('button', { name: 'Envoyer' }).click();
  const answer = page.locator('.msg--assistant').nth(before);
  await answer.filter({ hasText: OFFLINE_ANSWER }).waitFor({ timeout: 60_000 });
  // The stream is over when the composer offers "Envoyer" again.
  await page.getByRole('button', { name: 'Arrêter' }).waitFor({ state: 'detached', timeout: 60_000 });
  return answer;
}

async function main() {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris', viewport: { width: 1366, height: 860 } });
  page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) console.log(`\n   [console] ${message.text()}`);
  });

  try {
    await step('login page rejects a wrong password with the French error', async () => {
      const response = await page.goto(`${BASE_URL}${START_PATH}`, { waitUntil: 'domcontentloaded' });
      assert(response?.ok(), `GET ${START_PATH} should serve the web app, got HTTP ${response?.status()}`);
      await login(ADMIN_USER, `${ADMIN_PASSWORD}-faux`);
      const alert = page.getByRole('alert');
      await alert.waitFor();
      const text = await alert.innerText();
      assert(text.includes('Identifiants invalides'), `expected "Identifiants invalides", got "${text}"`);
      await screenshot('01-login-error');
    });

    await step('admin logs in', async () => {
      await login(ADMIN_USER, ADMIN_PASSWORD);
      await expectLoggedIn(ADMIN_USER);
      await page.getByRole('link', { name: 'Utilisateurs' }).waitFor();
    });

    await step(`admin creates the technician "${TECH_USER}" (role user, N2)`, async () => {
      await page.getByRole('link', { name: 'Utilisateurs' }).click();
      const form = page.locator('form[aria-labelledby="create-user-title"]');
      await form.waitFor();
      await form.getByLabel("Nom d'utilisateur").fill(TECH_USER);
      await form.getByLabel('E-mail').fill('tech.e2e@widip.fr');
      await form.getByLabel('Mot de passe').fill(TECH_PASSWORD);
      await form.getByLabel('Rôle').selectOption('user');
      await form.getByLabel('Accréditation').selectOption('N2');
      await form.getByRole('button', { name: "Créer l'utilisateur" }).click();
      const outcome = page.locator('.alert', { hasText: /créé|existe déjà|invalide|erreur/i }).first();
      await outcome.waitFor();
      const text = await outcome.innerText();
      if (text.includes('existe déjà')) console.log('\n   (note: the user already existed on this server)');
      else assert(text.includes(`« ${TECH_USER} » créé`), `unexpected answer to the creation: "${text}"`);
      const row = page.locator(`tr[data-username="${TECH_USER}"]`);
      await row.waitFor();
      const rowText = await row.innerText();
      assert(rowText.includes('N2') && rowText.includes('Technicien'), `row should show N2 / Technicien: "${rowText}"`);
      await screenshot('02-admin-users');
      // Search box and sortable columns.
      await page.getByLabel('Rechercher').fill('tech.e2');
      await page.locator(`tr[data-username="${ADMIN_USER}"]`).waitFor({ state: 'detached' });
      assert((await page.locator('tbody tr[data-username]').count()) === 1, 'the search should keep only the technician');
      await page.getByLabel('Rechercher').fill('');
      await page.getByRole('button', { name: /^Utilisateur/ }).click();
      const sorted = await page.locator('th[aria-sort="descending"]').count();
      assert(sorted === 1, 'a click on a sorted column header should reverse the order');
      // Password reset from the edit dialog (PUT with password): the technician logs in with it next.
      await page.getByRole('button', { name: `Modifier ${TECH_USER}` }).click();
      const dialog = page.getByRole('dialog', { name: `Modifier « ${TECH_USER} »` });
      await dialog.waitFor();
      await dialog.getByLabel('Réinitialiser le mot de passe').fill(TECH_PASSWORD_RESET);
      await dialog.getByRole('button', { name: 'Enregistrer' }).click();
      await page.locator('.alert', { hasText: `Utilisateur « ${TECH_USER} » mis à jour.` }).waitFor();
    });

    await step(`admin logs out; ${TECH_USER} logs in`, async () => {
      await logout();
      await login(TECH_USER, TECH_PASSWORD_RESET);
      await expectLoggedIn(TECH_USER);
      const adminLinks = await page.getByRole('link', { name: 'Utilisateurs' }).count();
      assert(adminLinks === 0, 'a technician must not see the administration link');
    });

    let conversationTitle = '';
    let conversationId = '';
    await step('sends a message in mode Code; the streamed answer, the sidebar entry and the token gauge update', async () => {
      const usedBefore = await gaugeUsed();
      await page.locator('.segmented__item', { hasText: 'Code' }).click();
      assert(await page.getByRole('radio', { name: 'Code' }).isChecked(), 'mode Code should be selected');
      const answer = await sendMessage('Comment lister les services arrêtés en PowerShell ?');
      const header = await answer.locator('.msg__header').innerText();
      assert(header.includes('Code'), `the answer should be tagged with the mode Code: "${header}"`);
      await page.waitForURL(/\/c\/[0-9a-f-]{36}$/i);
      conversationId = new URL(page.url()).pathname.split('/').pop();
      const entry = page.locator(`li[data-conversation-id="${conversationId}"]`);
      await entry.waitFor();
      assert((await page.locator('.conv').first().getAttribute('data-conversation-id')) === conversationId, 'the new conversation should be first in the sidebar');
      conversationTitle = await entry.locator('.conv__title').innerText();
      assert(conversationTitle.trim().length > 0, 'the new conversation should have a title');
      await page.waitForFunction(
        (before) => Number(document.querySelector('[data-testid="token-gauge"]')?.getAttribute('data-used')) !== before,
        usedBefore,
        { timeout: TIMEOUT },
      );
      const usedAfter = await gaugeUsed();
      assert(usedAfter > usedBefore, `token gauge should increase (before ${usedBefore}, after ${usedAfter})`);
      const blocks = await answer.locator('.md-code code').count();
      const highlighted = await answer.locator('.md-code code[data-highlighted="true"]').count();
      console.log(`\n   conversation "${conversationTitle}", tokens ${usedBefore} → ${usedAfter}, code blocks ${blocks} (highlighted ${highlighted})`);
      await screenshot('03-chat-answer');
    });

    await step('renames the conversation', async () => {
      const entry = page.locator(`li[data-conversation-id="${conversationId}"]`);
      await entry.getByRole('button', { name: `Renommer la conversation ${conversationTitle}` }).click();
      const input = page.getByLabel('Nouveau titre');
      await input.fill('Services Windows (e2e)');
      await entry.getByRole('button', { name: 'Enregistrer' }).click();
      await entry.locator('.conv__title', { hasText: 'Services Windows (e2e)' }).waitFor();
      await page.reload({ waitUntil: 'domcontentloaded' });
      await entry.locator('.conv__title', { hasText: 'Services Windows (e2e)' }).waitFor();
    });

    await step('deletes the conversation after confirmation', async () => {
      const countBefore = await page.locator('.conv').count();
      const entry = page.locator(`li[data-conversation-id="${conversationId}"]`);
      await entry.getByRole('button', { name: 'Supprimer la conversation Services Windows (e2e)' }).click();
      const dialog = page.getByRole('dialog', { name: 'Supprimer la conversation ?' });
      await dialog.waitFor();
      await dialog.getByRole('button', { name: 'Supprimer' }).click();
      await entry.waitFor({ state: 'detached' });
      const countAfter = await page.locator('.conv').count();
      assert(countAfter === countBefore - 1, `one conversation less expected (${countBefore} → ${countAfter})`);
      await page.getByRole('heading', { name: 'Bonjour, comment puis-je vous aider ?' }).waitFor();
      assert(new URL(page.url()).pathname === '/', `after deleting the open conversation, back to "/": ${page.url()}`);
    });

    await step('attaches a .log file and sends; the answer appears', async () => {
      await page.locator('#chat-file').setInputFiles({
        name: 'incident.log',
        mimeType: 'text/plain',
        buffer: Buffer.from('2026-11-23 09:15:00 ERROR Service Spooler arrêté\n2026-11-23 09:15:02 WARN Nouvelle tentative\n'),
      });
      await page.getByTestId('attached-file').filter({ hasText: 'incident.log' }).waitFor();
      const answer = await sendMessage('Analyse ce journal, que se passe-t-il ?');
      assert((await answer.innerText()).includes(OFFLINE_ANSWER), 'the answer to the attachment should appear');
      await page.locator('.msg--user .msg__attachment', { hasText: 'incident.log' }).waitFor();
      await page.locator('.conv').first().waitFor();
      await screenshot('05-chat-attachment');
    });

    await step('a refused file type (.exe) shows an error', async () => {
      await page.locator('#chat-file').setInputFiles({ name: 'outil.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') });
      const alert = page.getByRole('alert').filter({ hasText: 'Type de fichier refusé' });
      await alert.waitFor();
      assert((await page.getByTestId('attached-file').count()) === 0, 'the refused file must not stay attached');
    });

    await step('a failed answer (503) offers "Réessayer", which resends the same question', async () => {
      await page.route(
        '**/webhook/wibot/chat',
        (route) =>
          route.fulfill({
            status: 503,
            contentType: 'application/problem+json',
            body: JSON.stringify({ status: 503, title: 'Service Unavailable', detail: 'Le modèle de langage est indisponible (test).' }),
          }),
        { times: 1 },
      );
      await page.getByLabel('Votre message').fill('Question qui échoue puis réussit');
      await page.getByRole('button', { name: 'Envoyer' }).click();
      const failed = page.getByTestId('answer-failed');
      await failed.waitFor();
      assert((await failed.innerText()).includes('indisponible (test)'), 'the failure should be explained');
      await failed.getByRole('button', { name: 'Réessayer' }).click();
      await page.locator('.msg--assistant', { hasText: OFFLINE_ANSWER }).last().waitFor({ timeout: 60_000 });
      await page.getByRole('button', { name: 'Arrêter' }).waitFor({ state: 'detached', timeout: 60_000 });
      assert((await failed.count()) === 0, 'the failed answer should be replaced by the retried one');
      const asked = await page.locator('.msg--user', { hasText: 'Question qui échoue puis réussit' }).count();
      assert(asked === 1, `the question should appear once after the retry, got ${asked}`);
    });

    await step('dropping a file onto the chat attaches it (same checks as the picker)', async () => {
      const dropped = await page.evaluateHandle(() => {
        const transfer = new DataTransfer();
        transfer.items.add(new File(['ligne de journal\n'], 'depose.log', { type: 'text/plain' }));
        return transfer;
      });
      await page.dispatchEvent('section.chat', 'dragenter', { dataTransfer: dropped });
      await page.getByTestId('dropzone').waitFor();
      await page.dispatchEvent('section.chat', 'drop', { dataTransfer: dropped });
      await page.getByTestId('attached-file').filter({ hasText: 'depose.log' }).waitFor();
      await page.getByTestId('dropzone').waitFor({ state: 'detached' });
      await page.getByRole('button', { name: 'Retirer depose.log' }).click();
      const refused = await page.evaluateHandle(() => {
        const transfer = new DataTransfer();
        transfer.items.add(new File(['MZ'], 'virus.exe', { type: 'application/octet-stream' }));
        return transfer;
      });
      await page.dispatchEvent('section.chat', 'drop', { dataTransfer: refused });
      await page.getByRole('alert').filter({ hasText: 'virus.exe' }).waitFor();
      assert((await page.getByTestId('attached-file').count()) === 0, 'a refused dropped file must not be attached');
      await screenshot('06b-chat-retry-drop');
    });

    await step('the Safeguard page renders the queue (or says it is unavailable)', async () => {
      await page.getByRole('link', { name: 'Safeguard' }).click();
      await page.getByRole('heading', { name: /Safeguard/ }).waitFor();
      const state = page.locator('[data-testid="safeguard-empty"], [data-testid="safeguard-unavailable"], .request-list').first();
      await state.waitFor();
      const text = await state.innerText();
      assert(/Aucune demande|indisponible|APR-/.test(text), `unexpected Safeguard content: "${text}"`);
      console.log(`\n   Safeguard: ${text.split('\n')[0]}`);
      await screenshot('06-safeguard');
    });

    let requestId = '';
    await step('a L3 Safeguard request appears live; the N2 technician sees the buttons disabled with the reason', async () => {
      const adminToken = await apiLogin(ADMIN_USER, ADMIN_PASSWORD);
      const { key } = await api('/webhook/wibot/admin/api-keys', { method: 'POST', token: adminToken, body: { name: `e2e-tool-${Date.now()}` } });
      assert(typeof key === 'string' && key.length > 0, 'the API key creation should return the key');
      const created = await api('/webhook/wibot/safeguard/requests', {
        method: 'POST',
        apiKey: key,
        body: { tool: 'ad_reset_password', arguments: { user: 'jdupont' }, level: 'L3', reason: 'e2e' },
      });
      requestId = created.request_id;
      assert(/^APR-/.test(requestId ?? ''), `unexpected request id: ${requestId}`);
      // No reload: the page learns it from the event stream (or the 10 s polling).
      const row = page.locator(`li[data-request-id="${requestId}"]`);
      await row.waitFor({ timeout: 30_000 });
      await row.getByRole('button').click();
      const detail = page.locator(`[data-testid="request-detail"][data-request-id="${requestId}"]`);
      await detail.waitFor();
      const args = await detail.getByTestId('request-arguments').innerText();
      assert(args.includes('"user": "jdupont"'), `the arguments should be pretty-printed JSON: ${args}`);
      assert(await detail.getByRole('button', { name: 'Approuver' }).isDisabled(), 'Approuver must be disabled for a N2 user on a L3 request');
      assert(await detail.getByRole('button', { name: 'Rejeter' }).isDisabled(), 'Rejeter must be disabled for a N2 user on a L3 request');
      const reason = await detail.getByTestId('decision-blocked').innerText();
      assert(reason.includes('Accréditation insuffisante pour une action L3'), `unexpected disabled reason: "${reason}"`);
      await page.getByTestId('safeguard-pending-count').waitFor();
      const live = await page.getByTestId('safeguard-live').innerText();
      console.log(`\n   ${requestId}: "${reason.trim()}" (${live})`);
      await screenshot('08-safeguard-disabled');
    });

    await step('with a tiny quota, sending shows the French quota message and the gauge turns red', async () => {
      const adminToken = await apiLogin(ADMIN_USER, ADMIN_PASSWORD);
      const { users } = await api('/webhook/wibot/admin/users', { token: adminToken });
      const tech = users.find((u) => u.username === TECH_USER);
      assert(tech, 'the technician should be listed');
      await api('/webhook/wibot/admin/users', { method: 'PUT', token: adminToken, body: { user_id: tech.user_id ?? tech.id, quota_tokens: 1 } });
      await page.getByRole('link', { name: 'Discussion' }).click();
      await page.getByLabel('Votre message').fill('Encore une question ?');
      await page.getByRole('button', { name: 'Envoyer' }).click();
      const alert = page.getByRole('alert').filter({ hasText: 'Quota mensuel de tokens épuisé' });
      await alert.waitFor();
      await page.locator('[data-testid="token-gauge"][data-level="exhausted"]').waitFor();
      assert((await page.locator('.msg--user', { hasText: 'Encore une question ?' }).count()) === 0, 'the refused question should not stay in the thread');
      assert((await page.getByLabel('Votre message').inputValue()) === 'Encore une question ?', 'the refused question should stay in the input');
      await screenshot('09-chat-quota');
    });

    await step('tech logs out; admin logs in; analytics show at least 2 messages', async () => {
      await logout();
      await login(ADMIN_USER, ADMIN_PASSWORD);
      await expectLoggedIn(ADMIN_USER);
      await page.getByRole('link', { name: 'Statistiques' }).click();
      const messagesCard = page.locator('[data-stat="messages"] .stat-card__value');
      await messagesCard.waitFor();
      const messages = digits(await messagesCard.innerText());
      const users = digits(await page.locator('[data-stat="users"] .stat-card__value').innerText());
      const tokens = digits(await page.locator('[data-stat="tokens"] .stat-card__value').innerText());
      console.log(`\n   totals: users ${users}, messages ${messages}, tokens ${tokens}`);
      assert(messages >= 2, `analytics should count at least 2 messages, got ${messages}`);
      assert(users >= 2, `analytics should count at least 2 users, got ${users}`);
      await screenshot('07-analytics');
    });

    await step('the N4 admin approves the Safeguard request; it moves to the history', async () => {
      await page.getByRole('link', { name: 'Safeguard' }).click();
      const row = page.locator(`li[data-request-id="${requestId}"]`);
      await row.waitFor();
      await row.getByRole('button').click();
      const detail = page.locator(`[data-testid="request-detail"][data-request-id="${requestId}"]`);
      await detail.waitFor();
      assert((await detail.getByTestId('decision-blocked').count()) === 0, 'the admin (N4) should be able to decide');
      // Rejecting without a comment is refused on the client.
      await detail.getByRole('button', { name: 'Rejeter' }).click();
      await detail.getByRole('alert').filter({ hasText: 'commentaire est obligatoire' }).waitFor();
      await detail.getByLabel(/Commentaire/).fill('Validé en e2e');
      await detail.getByRole('button', { name: 'Approuver' }).click();
      await page.locator('.alert', { hasText: `Demande ${requestId} approuvée.` }).waitFor();
      await row.waitFor({ state: 'detached' });
      await page.getByRole('tab', { name: 'Historique' }).click();
      const done = page.locator(`li[data-request-id="${requestId}"]`);
      await done.waitFor();
      await done.getByRole('button').click();
      const decided = page.locator(`[data-testid="request-detail"][data-request-id="${requestId}"]`);
      const text = await decided.innerText();
      assert(text.includes('Approuvée') && text.includes('Validé en e2e'), `the history should show the approval: "${text}"`);
      await screenshot('10-safeguard-history');
    });

    await step('the Documents page lists the index and re-indexes with a result summary', async () => {
      await page.getByRole('link', { name: 'Documents' }).click();
      await page.getByRole('heading', { name: 'Documents indexés' }).waitFor();
      await page.locator('[data-testid="documents-empty"], table[aria-describedby="documents-title"]').first().waitFor();
      await page.getByRole('button', { name: 'Réindexer' }).click();
      const outcome = page.locator('[data-testid="ingest-result"], .alert--error').first();
      await outcome.waitFor({ timeout: 120_000 });
      const text = await outcome.innerText();
      console.log(`\n   ${text.split('\n')[0]}`);
      assert(/Réindexation terminée/.test(text), `unexpected re-indexing outcome: "${text}"`);
      await screenshot('11-documents');
    });

    console.log(`\nE2E OK: ${stepNumber} steps passed.`);
    await browser.close();
    return 0;
  } catch (error) {
    const file = await screenshot(`failure-step-${String(stepNumber).padStart(2, '0')}`);
    console.log('FAILED');
    console.error(`\n✗ step ${stepNumber}: ${error instanceof Error ? error.message : String(error)}`);
    console.error(`  page: ${page.url()}\n  screenshot: ${file}`);
    await browser.close().catch(() => undefined);
    return 1;
  }
}

process.exitCode = await main();
