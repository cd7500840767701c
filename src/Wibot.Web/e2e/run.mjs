// Browser end-to-end test of the WIBOT web UI, run against a live backend.
// Usage: WIBOT_URL=http://127.0.0.1:5099 WIBOT_ADMIN_USER=admin WIBOT_ADMIN_PASSWORD=... node e2e/run.mjs
// With WIBOT_FAKE_MODEL_URL (the fake Claude server the API talks to), answers are streamed Markdown
// naming the model of each mode, and failures are scripted at the fake; without it, the API's
// offline provider answers and a failure is simulated in the browser.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

/* global document, window, DataTransfer -- only inside page.evaluate() callbacks, which run in the browser */

const BASE_URL = (process.env.WIBOT_URL ?? '').replace(/\/+$/, '');
const ADMIN_USER = process.env.WIBOT_ADMIN_USER ?? 'admin';
const ADMIN_PASSWORD = process.env.WIBOT_ADMIN_PASSWORD ?? '';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
const TIMEOUT = 20_000;
// Entry path of the first visit (a real user types the site root).
const START_PATH = process.env.WIBOT_E2E_START_PATH ?? '/';

const FAKE_MODEL_URL = (process.env.WIBOT_FAKE_MODEL_URL ?? '').replace(/\/+$/, '');
// The streaming checks need the real fake model behind the API: without it they would prove nothing,
// so the run stops unless an offline run is asked for explicitly (WIBOT_E2E_OFFLINE=1, never in the test command).
if (!FAKE_MODEL_URL && process.env.WIBOT_E2E_OFFLINE !== '1') {
  console.error('WIBOT_FAKE_MODEL_URL is not set: the e2e run needs the fake model server (or WIBOT_E2E_OFFLINE=1 for a reduced offline run).');
  process.exit(2);
}
// The tests' MCP tool server (hosted by the fake model's process with --mcp-port) and its secret header:
// the chat's tool calls are raised, approved and run against it. Required along with the fake model.
const FAKE_MCP_URL = process.env.WIBOT_FAKE_MCP_URL ?? '';
const FAKE_MCP_SECRET = process.env.WIBOT_FAKE_MCP_SECRET ?? '';
if (FAKE_MODEL_URL && (!FAKE_MCP_URL || !FAKE_MCP_SECRET)) {
  console.error('WIBOT_FAKE_MCP_URL and WIBOT_FAKE_MCP_SECRET are required with WIBOT_FAKE_MODEL_URL (the fake model run with --mcp-port).');
  process.exit(2);
}
const TECH_USER = 'tech.e2e'; // N1: sees L3 Safeguard requests but cannot decide them
const TECH_PASSWORD = 'Tech-E2e-2026!wibot';
const TECH_PASSWORD_RESET = 'Tech-E2e-2026!reset';
const TECH3_USER = 'tech3.e2e'; // N3: may decide L3 requests
const TECH3_PASSWORD = 'Tech3-E2e-2026!wibot';
const OFFLINE_ANSWER = "Aucun modèle de langage n'est configuré";
const MODES = [
  { value: 'flash', label: 'Flash', model: 'claude-haiku-4-5' },
  { value: 'code', label: 'Code', model: 'claude-sonnet-4-5' },
  { value: 'redaction', label: 'Rédaction', model: 'claude-sonnet-4-5' },
];
/** What every answer contains: the fake names its model, the offline provider says it has none. */
const expectedAnswer = (mode) => (FAKE_MODEL_URL ? `Réponse simulée par ${mode.model}` : OFFLINE_ANSWER);

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

/** Scripts the next calls of the fake model server (see WIBOT_FAKE_MODEL_URL). */
async function enqueueAtFake(script) {
  const response = await fetch(`${FAKE_MODEL_URL}/_fake/enqueue`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(script),
  });
  assert(response.ok, `POST ${FAKE_MODEL_URL}/_fake/enqueue → HTTP ${response.status}`);
}

/** A success or information message (Mantine Alert: role alert for errors, status otherwise). */
const notice = (text) => page.locator('[role="status"], [role="alert"]').filter({ hasText: text }).first();

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

/** The number shown by the Safeguard nav badge (0 when it is hidden). */
async function pendingCount() {
  const badge = page.getByTestId('safeguard-pending-count');
  if ((await badge.count()) === 0) return 0;
  return Number(await badge.first().innerText()) || 0;
}

async function gaugeUsed() {
  const gauge = page.getByTestId('token-gauge');
  await gauge.waitFor({ timeout: TIMEOUT });
  return Number(await gauge.getAttribute('data-used'));
}

async function selectMode(mode) {
  await page.locator(`.mode-option[data-mode="${mode.value}"]`).click();
  assert(await page.getByRole('radio', { name: mode.label }).isChecked(), `mode ${mode.label} should be selected`);
}

/**
 * Watches the text of the assistant message number `index` from the page itself (every 25 ms) until
 * its stream ends ("Arrêter" gone); returns the distinct lengths seen while it was streaming.
 */
function watchStream(index) {
  return page.evaluate(
    (nth) =>
      new Promise((resolve) => {
        const lengths = [];
        const started = Date.now();
        const timer = setInterval(() => {
          const message = document.querySelectorAll('.msg--assistant')[nth];
          const streaming = [...document.querySelectorAll('button')].some((b) => b.textContent?.trim() === 'Arrêter');
          const length = message?.querySelector('.msg__content')?.textContent?.length ?? 0;
          if (streaming && length > 0 && lengths[lengths.length - 1] !== length) lengths.push(length);
          if ((message && !streaming) || Date.now() - started > 60_000) {
            clearInterval(timer);
            resolve(lengths);
          }
        }, 25);
      }),
    index,
  );
}

/** Sends a message and waits for the whole answer; with the fake model, checks that it streamed. */
async function sendMessage(text, mode) {
  const before = await page.locator('.msg--assistant').count();
  await page.getByLabel('Votre message').fill(text);
  await page.getByRole('button', { name: 'Envoyer' }).click();
  const observed = watchStream(before);
  const answer = page.locator('.msg--assistant').nth(before);
  await answer.filter({ hasText: expectedAnswer(mode) }).waitFor({ timeout: 60_000 });
  // The stream is over when the composer offers "Envoyer" again.
  await page.getByRole('button', { name: 'Arrêter' }).waitFor({ state: 'detached', timeout: 60_000 });
  const lengths = await observed;
  if (FAKE_MODEL_URL) {
    assert(lengths.length >= 2, `the answer should grow while streaming (lengths seen: ${lengths.join(', ') || 'none'})`);
    const final = (await answer.locator('.msg__content').innerText()).length;
    assert(lengths[0] < final, `the first streamed text (${lengths[0]} chars) should be shorter than the answer (${final})`);
  }
  return { answer, lengths };
}

/** With the fake model: the Markdown answer has its list and a highlighted PowerShell block with a copy button. */
async function checkFakeAnswer(answer, mode) {
  const text = await answer.locator('.msg__content').innerText();
  assert(text.includes(`Réponse simulée par ${mode.model}`), `the answer should name ${mode.model}: "${text.slice(0, 120)}"`);
  assert((await answer.locator('.markdown strong', { hasText: mode.model }).count()) === 1, 'the model name should be bold (Markdown)');
  assert((await answer.locator('.markdown ol li').count()) === 2, 'the numbered list should have two items');
  const block = answer.locator('.md-code');
  await block.locator('code[data-highlighted="true"]').waitFor();
  assert((await block.locator('.md-code__lang').innerText()).trim() === 'powershell', 'the code block should be PowerShell');
  assert((await block.locator('code .hljs-built_in, code .hljs-keyword, code .hljs-params, code span[class^="hljs-"]').count()) > 0, 'the code should be highlighted');
  assert((await block.getByRole('button', { name: 'Copier le code' }).count()) === 1, 'the code block should have a copy button');
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
      assert(text.includes('Identifiants invalides ou compte désactivé.'), `expected "Identifiants invalides ou compte désactivé.", got "${text}"`);
      await screenshot('01-login-error');
    });

    await step('admin logs in', async () => {
      await login(ADMIN_USER, ADMIN_PASSWORD);
      await expectLoggedIn(ADMIN_USER);
      await page.getByRole('link', { name: 'Utilisateurs' }).waitFor();
    });

    await step(`admin creates the technicians "${TECH_USER}" (N1) and "${TECH3_USER}" (N3)`, async () => {
      await page.getByRole('link', { name: 'Utilisateurs' }).click();
      const form = page.locator('form[aria-labelledby="create-user-title"]');
      await form.waitFor();
      await form.getByLabel("Nom d'utilisateur").fill(TECH_USER);
      await form.getByLabel('E-mail').fill('tech.e2e@widip.fr');
      await form.getByLabel('Mot de passe').fill(TECH_PASSWORD);
      await form.getByLabel('Rôle').selectOption('user');
      await form.getByLabel('Accréditation').selectOption('N1');
      await form.getByRole('button', { name: "Créer l'utilisateur" }).click();
      const outcome = notice(/créé|existe déjà|invalide|erreur/i);
      await outcome.waitFor();
      const text = await outcome.innerText();
      if (text.includes('existe déjà')) console.log('\n   (note: the user already existed on this server)');
      else assert(text.includes(`« ${TECH_USER} » créé`), `unexpected answer to the creation: "${text}"`);
      const row = page.locator(`tr[data-username="${TECH_USER}"]`);
      await row.waitFor();
      const rowText = await row.innerText();
      assert(rowText.includes('N1') && rowText.includes('Technicien'), `row should show N1 / Technicien: "${rowText}"`);
      // The N3 technician, through the same form (it was emptied after the creation).
      assert((await form.getByLabel("Nom d'utilisateur").inputValue()) === '', 'the form should be emptied after a creation');
      await form.getByLabel("Nom d'utilisateur").fill(TECH3_USER);
      await form.getByLabel('E-mail').fill('tech3.e2e@widip.fr');
      await form.getByLabel('Mot de passe').fill(TECH3_PASSWORD);
      await form.getByLabel('Rôle').selectOption('user');
      await form.getByLabel('Accréditation').selectOption('N3');
      await form.getByRole('button', { name: "Créer l'utilisateur" }).click();
      await notice(`« ${TECH3_USER} »`).waitFor();
      const row3 = page.locator(`tr[data-username="${TECH3_USER}"]`);
      await row3.waitFor();
      assert((await row3.innerText()).includes('N3'), 'the second technician should be N3');
      await screenshot('02-admin-users');
      // Search box and sortable columns.
      await page.getByLabel('Rechercher').fill('tech.e2');
      await page.locator(`tr[data-username="${ADMIN_USER}"]`).waitFor({ state: 'detached' });
      assert((await page.locator('tbody tr[data-username]').count()) === 1, 'the search should keep only the N1 technician');
      await page.getByLabel('Rechercher').fill('');
      const rowOrder = () => page.locator('tbody tr[data-username]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-username')));
      const ascending = await rowOrder();
      assert(ascending.length >= 3, `at least three users expected: ${ascending.join(', ')}`);
      await page.getByRole('button', { name: /^Utilisateur/ }).click();
      const sorted = await page.locator('th[aria-sort="descending"]').count();
      assert(sorted === 1, 'a click on a sorted column header should mark it descending');
      const descending = await rowOrder();
      assert(
        JSON.stringify(descending) === JSON.stringify([...ascending].reverse()),
        `the rows should be in the reverse order after the click: [${ascending.join(', ')}] → [${descending.join(', ')}]`,
      );
      // Password reset from the edit dialog (PUT with password): the technician logs in with it next.
      await page.getByRole('button', { name: `Modifier ${TECH_USER}` }).click();
      const dialog = page.getByRole('dialog', { name: `Modifier « ${TECH_USER} »` });
      await dialog.waitFor();
      await dialog.getByLabel('Réinitialiser le mot de passe').fill(TECH_PASSWORD_RESET);
      await dialog.getByRole('button', { name: 'Enregistrer' }).click();
      await notice(`Utilisateur « ${TECH_USER} » mis à jour.`).waitFor();
      await dialog.waitFor({ state: 'detached' });
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
    for (const [index, mode] of MODES.entries()) {
      const first = index === 0;
      await step(`sends a message in mode ${mode.label}; the answer streams${FAKE_MODEL_URL ? ` from ${mode.model}` : ''}, the gauge updates`, async () => {
        if (!first) {
          await page.getByRole('button', { name: 'Nouvelle conversation' }).click();
          await page.waitForURL((url) => url.pathname === '/');
        }
        const usedBefore = await gaugeUsed();
        await selectMode(mode);
        const { answer, lengths } = await sendMessage(`Comment relancer le spouleur d'impression en mode ${mode.label} ?`, mode);
        const header = await answer.locator('.msg__header').innerText();
        assert(header.includes(mode.label), `the answer should be tagged with the mode ${mode.label}: "${header}"`);
        if (FAKE_MODEL_URL) await checkFakeAnswer(answer, mode);
        await page.waitForURL(/\/c\/[0-9a-f-]{36}$/i);
        const id = new URL(page.url()).pathname.split('/').pop();
        const entry = page.locator(`li[data-conversation-id="${id}"]`);
        await entry.waitFor();
        assert((await page.locator('.conv').first().getAttribute('data-conversation-id')) === id, 'the new conversation should be first in the sidebar');
        const title = await entry.locator('.conv__title').innerText();
        assert(title.trim().length > 0, 'the new conversation should have a title');
        await page.waitForFunction(
          (before) => Number(document.querySelector('[data-testid="token-gauge"]')?.getAttribute('data-used')) !== before,
          usedBefore,
          { timeout: TIMEOUT },
        );
        const usedAfter = await gaugeUsed();
        assert(usedAfter > usedBefore, `token gauge should increase (before ${usedBefore}, after ${usedAfter})`);
        const highlighted = await answer.locator('.md-code code[data-highlighted="true"]').count();
        console.log(`\n   "${title}", tokens ${usedBefore} → ${usedAfter}, stream lengths [${lengths.join(', ')}], highlighted blocks ${highlighted}`);
        await screenshot(`03-chat-${mode.value}`);
        if (first) {
          conversationId = id;
          conversationTitle = title;
        }
      });
    }

    await step('reopening the first conversation (after a page reload) shows its history from the server', async () => {
      // A full load empties the client cache: the history can only come from the server.
      await page.goto(`${BASE_URL}/`, { waitUntil: 'domcontentloaded' });
      await expectLoggedIn(TECH_USER);
      const history = page.waitForResponse((r) => r.url().includes(`/webhook/wibot/messages/${conversationId}`) && r.ok());
      await page.locator(`li[data-conversation-id="${conversationId}"] .conv__open`).click();
      await page.waitForURL((url) => url.pathname === `/c/${conversationId}`);
      await history;
      await page.locator('.msg--assistant', { hasText: expectedAnswer(MODES[0]) }).first().waitFor();
      const questions = await page.locator('.msg--user', { hasText: `en mode ${MODES[0].label} ?` }).count();
      assert(questions === 1, `the question should appear once in the stored history, got ${questions}`);
      assert(await page.getByRole('radio', { name: MODES[0].label }).isChecked(), 'the mode of the conversation should be restored');
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

    await step('attaches a .log file with the button and sends in mode Rédaction; the answer appears', async () => {
      await selectMode(MODES[2]);
      await page.locator('#chat-file').setInputFiles({
        name: 'incident.log',
        mimeType: 'text/plain',
        buffer: Buffer.from('2026-11-23 09:15:00 ERROR Service Spooler arrêté\n2026-11-23 09:15:02 WARN Nouvelle tentative\n'),
      });
      await page.getByTestId('attached-file').filter({ hasText: 'incident.log' }).waitFor();
      const { answer } = await sendMessage('Analyse ce journal, que se passe-t-il ?', MODES[2]);
      assert((await answer.innerText()).includes(expectedAnswer(MODES[2])), 'the answer to the attachment should appear');
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

    await step(`a failed answer (503${FAKE_MODEL_URL ? ' from the model, 4 times' : ', simulated'}) offers "Réessayer", which resends the same question`, async () => {
      if (FAKE_MODEL_URL) {
        // The API tries the model 4 times in all: four failures make the answer fail.
        await enqueueAtFake([{ fail: 503 }, { fail: 503 }, { fail: 503 }, { fail: 503 }]);
      } else {
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
      }
      const question = 'Question qui échoue puis réussit';
      await page.getByLabel('Votre message').fill(question);
      await page.getByRole('button', { name: 'Envoyer' }).click();
      const failed = page.getByTestId('answer-failed');
      await failed.waitFor({ timeout: 60_000 });
      const explanation = (await failed.innerText()).replace('Réessayer', '').trim();
      assert(explanation.length > 0, 'the failure should be explained');
      if (!FAKE_MODEL_URL) assert(explanation.includes('indisponible (test)'), `unexpected failure text: "${explanation}"`);
      console.log(`\n   failure shown: "${explanation}"`);
      assert((await page.locator('.msg--user', { hasText: question }).count()) === 1, 'the question should stay in the thread');
      await screenshot('06a-chat-failed');
      await failed.getByRole('button', { name: 'Réessayer' }).click();
      await page.locator('.msg--assistant', { hasText: expectedAnswer(MODES[2]) }).last().waitFor({ timeout: 60_000 });
      await page.getByRole('button', { name: 'Arrêter' }).waitFor({ state: 'detached', timeout: 60_000 });
      assert((await failed.count()) === 0, 'the failed answer should be replaced by the retried one');
      const asked = await page.locator('.msg--user', { hasText: question }).count();
      assert(asked === 1, `the question should appear once after the retry, got ${asked}`);
      // The server stored it once too (the retry reused the unanswered question): reload and look.
      await page.reload({ waitUntil: 'domcontentloaded' });
      await page.locator('.msg--assistant', { hasText: expectedAnswer(MODES[2]) }).last().waitFor();
      const stored = await page.locator('.msg--user', { hasText: question }).count();
      assert(stored === 1, `after a reload the question should appear once (server copy), got ${stored}`);
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
      // Outside the chat's drop zone the browser must not open the file (the page would be replaced).
      const outside = await page.evaluate(() => {
        const transfer = new DataTransfer();
        transfer.items.add(new File(['x'], 'ailleurs.log', { type: 'text/plain' }));
        const target = document.querySelector('aside.sidebar') ?? document.body;
        const over = new globalThis.DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: transfer });
        const drop = new globalThis.DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: transfer });
        target.dispatchEvent(over);
        target.dispatchEvent(drop);
        return { over: over.defaultPrevented, drop: drop.defaultPrevented, effect: over.dataTransfer?.dropEffect };
      });
      assert(outside.over && outside.drop && outside.effect === 'none', `a file dropped outside the chat should be refused: ${JSON.stringify(outside)}`);
      assert((await page.getByTestId('attached-file').count()) === 0, 'a file dropped outside the chat must not be attached');
      await screenshot('06b-chat-retry-drop');
    });

    await step('the Safeguard page renders the queue (failing if it says the module is unavailable)', async () => {
      await page.getByRole('link', { name: 'Safeguard' }).click();
      await page.getByRole('heading', { name: /Safeguard/ }).waitFor();
      const state = page.locator('[data-testid="safeguard-empty"], [data-testid="safeguard-unavailable"], [data-testid="safeguard-error"], .request-list').first();
      await state.waitFor();
      const text = await state.innerText();
      assert((await page.getByTestId('safeguard-unavailable').count()) === 0, `the Safeguard module should be available: "${text}"`);
      assert((await page.getByTestId('safeguard-error').count()) === 0, `the Safeguard queue should load: "${text}"`);
      assert(/Aucune demande|APR-/.test(text), `unexpected Safeguard content: "${text}"`);
      console.log(`\n   Safeguard: ${text.split('\n')[0]}`);
      await screenshot('06-safeguard');
    });

    let requestId = '';
    await step('a L3 Safeguard request appears live; the N1 technician sees the buttons disabled with the reason', async () => {
      const adminToken = await apiLogin(ADMIN_USER, ADMIN_PASSWORD);
      const { key } = await api('/webhook/wibot/admin/api-keys', { method: 'POST', token: adminToken, body: { name: `e2e-tool-${Date.now()}` } });
      assert(typeof key === 'string' && key.length > 0, 'the API key creation should return the key');
      // The live event stream must be connected: the 10 s polling would not prove anything.
      await page.getByTestId('safeguard-live').filter({ hasText: 'Mises à jour en direct' }).waitFor({ timeout: 10_000 });
      const countBefore = await pendingCount();
      const createdAt = Date.now();
      const created = await api('/webhook/wibot/safeguard/requests', {
        method: 'POST',
        apiKey: key,
        body: { tool: 'ad_reset_password', arguments: { user: 'jdupont' }, level: 'L3', reason: 'e2e' },
      });
      requestId = created.request_id;
      assert(/^APR-/.test(requestId ?? ''), `unexpected request id: ${requestId}`);
      // No reload: the page learns it from the event stream, well before the next poll.
      const row = page.locator(`li[data-request-id="${requestId}"]`);
      await row.waitFor({ timeout: 3_000 });
      const delay = Date.now() - createdAt;
      await page.waitForFunction(
        (expected) => document.querySelector('[data-testid="safeguard-pending-count"]')?.textContent === String(expected),
        countBefore + 1,
        { timeout: 3_000 },
      );
      console.log(`
   shown ${delay} ms after its creation; nav badge ${countBefore} → ${countBefore + 1}`);
      await row.getByRole('button').click();
      const detail = page.locator(`[data-testid="request-detail"][data-request-id="${requestId}"]`);
      await detail.waitFor();
      const args = await detail.getByTestId('request-arguments').innerText();
      assert(args.includes('"user": "jdupont"'), `the arguments should be pretty-printed JSON: ${args}`);
      assert(await detail.getByRole('button', { name: 'Approuver' }).isDisabled(), 'Approuver must be disabled for a N1 user on a L3 request');
      assert(await detail.getByRole('button', { name: 'Rejeter' }).isDisabled(), 'Rejeter must be disabled for a N1 user on a L3 request');
      const reason = await detail.getByTestId('decision-blocked').innerText();
      assert(reason.includes('Accréditation insuffisante pour une action L3'), `unexpected disabled reason: "${reason}"`);
      await page.getByTestId('safeguard-pending-count').waitFor();
      const live = await page.getByTestId('safeguard-live').innerText();
      console.log(`\n   ${requestId}: "${reason.trim()}" (${live})`);
      await screenshot('08-safeguard-disabled');
    });

    if (FAKE_MODEL_URL) {
      await step(`the assistant proposes an L3 tool call in the chat; ${TECH3_USER} approves it; the card turns into its result and the continuation appears without reload`, async () => {
        const adminToken = await apiLogin(ADMIN_USER, ADMIN_PASSWORD);
        const server = await api('/webhook/wibot/admin/mcp-servers', {
          method: 'POST',
          token: adminToken,
          body: { name: 'mcp-ad', url: FAKE_MCP_URL, headers: { Authorization: `Bearer ${FAKE_MCP_SECRET}` } },
        });
        assert(server.status === 'ok', `the tool server should be reachable: ${server.status} ${server.error ?? ''}`);
        assert(server.tools.some((t) => t.name === 'ad_reset_password'), 'the tool server should list ad_reset_password');
        await api(`/webhook/wibot/admin/mcp-servers/${server.server_id}/tools/ad_reset_password`, { method: 'PUT', token: adminToken, body: { level: 'L3' } });
        const temporary = `Provisoire-${Date.now()}`;
        await enqueueAtFake([
          { tool: 'mcp-ad__ad_reset_password', input: { username: 'jdupont', new_password: temporary }, text: 'Je prépare la réinitialisation du mot de passe de jdupont. ' },
        ]);

        await page.getByRole('link', { name: 'Discussion' }).click();
        await page.getByRole('button', { name: 'Nouvelle conversation' }).click();
        await page.waitForURL((url) => url.pathname === '/');
        await selectMode(MODES[0]);
        const before = await page.locator('.msg--assistant').count();
        await page.getByLabel('Votre message').fill('Réinitialise le mot de passe AD de jdupont, il est bloqué.');
        await page.getByRole('button', { name: 'Envoyer' }).click();
        const answer = page.locator('.msg--assistant').nth(before);
        const card = answer.locator('[data-testid="tool-call"]');
        await answer.locator('[data-testid="tool-call"][data-status="pending_approval"]').waitFor({ timeout: TIMEOUT });
        await page.getByRole('button', { name: 'Arrêter' }).waitFor({ state: 'detached', timeout: TIMEOUT });
        await page.waitForURL(/\/c\/[0-9a-f-]{36}$/i);
        assert((await card.getByTestId('tool-call-status').innerText()).trim() === "en attente d'approbation", 'the card should say the call awaits approval');
        assert((await card.getByTestId('tool-call-level').innerText()).trim() === 'L3', 'the card should show the level L3');
        const approval = await card.getByTestId('tool-call-approval').innerText();
        assert(approval.includes('à approuver par un technicien N3 ou plus, autre que vous') && /expire .*\d{2}:\d{2}/.test(approval), `the card should say who may approve and until when: "${approval}"`);
        const requestId = (await card.getByTestId('tool-call-request').innerText()).trim();
        assert(/^APR-/.test(requestId), `the card should link its request: "${requestId}"`);
        const cardText = await card.innerText();
        assert(cardText.includes('jdupont') && !cardText.includes(temporary), `the card should show the arguments with the password masked: "${cardText}"`);
        const pendingText = await answer.locator('.msg__content').innerText();
        assert(pendingText.includes(requestId) && pendingText.includes('est en attente'), `the answer should say in French that ${requestId} is pending: "${pendingText}"`);
        await screenshot('09-chat-tool-pending');

        // A second, accredited technician decides, from elsewhere; this page is never reloaded.
        await page.evaluate(() => {
          window.__wibotNoReload = true;
        });
        await enqueueAtFake([{ reply: "C'est fait : le mot de passe de jdupont est réinitialisé, il devra le changer à la connexion.", chunks: 3 }]);
        const approverToken = await apiLogin(TECH3_USER, TECH3_PASSWORD);
        const approvedAt = Date.now();
        await api('/webhook/wibot/safeguard/approve', { method: 'POST', token: approverToken, body: { request_id: requestId, comment: 'Identité vérifiée (e2e)' } });

        await answer.locator('[data-testid="tool-call"][data-status="succeeded"]').waitFor({ timeout: 30_000 });
        assert((await card.getByTestId('tool-call-status').innerText()).trim() === 'réussi', 'the card should turn into its result: réussi');
        const continuation = page.locator('.msg--assistant').nth(before + 1);
        await continuation.filter({ hasText: "C'est fait : le mot de passe de jdupont est réinitialisé" }).waitFor({ timeout: 30_000 });
        const shownAfter = Date.now() - approvedAt;
        assert(await page.evaluate(() => window.__wibotNoReload === true), 'the page should not have been reloaded');
        const calls = await (await fetch(`${FAKE_MODEL_URL}/_fake/tool-calls`)).json();
        const resets = calls.filter((c) => c.tool === 'ad_reset_password');
        assert(resets.length === 1 && resets[0].request_id === requestId, `the tool server should have run the call once, for ${requestId}: ${JSON.stringify(calls)}`);
        console.log(`\n   ${requestId}: pending card, approved by ${TECH3_USER}; card "réussi" and the continuation shown ${shownAfter} ms later, the tool run once`);
        await screenshot('09-chat-tool-done');
      });
    }

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
      const refusal = await alert.innerText();
      assert(/réinitialisé le \d{2}\/\d{2}\/\d{4}/.test(refusal), `the refusal should give the reset date: "${refusal}"`);
      await page.locator('[data-testid="token-gauge"][data-level="exhausted"]').waitFor();
      assert((await page.locator('.msg--user', { hasText: 'Encore une question ?' }).count()) === 0, 'the refused question should not stay in the thread');
      assert((await page.getByLabel('Votre message').inputValue()) === 'Encore une question ?', 'the refused question should stay in the input');
      await screenshot('09-chat-quota');
    });

    await step(`${TECH_USER} logs out; the N3 technician ${TECH3_USER} approves the request; it moves to the history`, async () => {
      await logout();
      await login(TECH3_USER, TECH3_PASSWORD);
      await expectLoggedIn(TECH3_USER);
      await page.getByRole('link', { name: 'Safeguard' }).click();
      const row = page.locator(`li[data-request-id="${requestId}"]`);
      await row.waitFor();
      await row.getByRole('button').click();
      const detail = page.locator(`[data-testid="request-detail"][data-request-id="${requestId}"]`);
      await detail.waitFor();
      assert((await detail.getByTestId('decision-blocked').count()) === 0, 'a N3 technician should be able to decide a L3 request');
      assert(!(await detail.getByRole('button', { name: 'Approuver' }).isDisabled()), 'Approuver should be enabled for N3');
      // Rejecting without a comment is refused on the client.
      await detail.getByRole('button', { name: 'Rejeter' }).click();
      await detail.getByRole('alert').filter({ hasText: 'commentaire est obligatoire' }).waitFor();
      await detail.getByLabel(/Commentaire/).fill('Validé en e2e');
      const countBefore = await pendingCount();
      assert(countBefore >= 1, 'the nav badge should count the pending request');
      await detail.getByRole('button', { name: 'Approuver' }).click();
      await notice(`Demande ${requestId} approuvée.`).waitFor();
      await row.waitFor({ state: 'detached' });
      // The decided request stays on screen, marked as treated, its buttons disabled.
      await detail.getByTestId('request-gone').filter({ hasText: 'Cette demande a été traitée (approuvée).' }).waitFor();
      assert(await detail.getByRole('button', { name: 'Approuver' }).isDisabled(), 'Approuver must be disabled once the request is decided');
      await page.waitForFunction(
        (expected) => (Number(document.querySelector('[data-testid="safeguard-pending-count"]')?.textContent ?? '0') || 0) === expected,
        countBefore - 1,
        { timeout: 5_000 },
      );
      await page.getByRole('tab', { name: 'Historique' }).click();
      const done = page.locator(`li[data-request-id="${requestId}"]`);
      await done.waitFor();
      await done.getByRole('button').click();
      const decided = page.locator(`[data-testid="request-detail"][data-request-id="${requestId}"]`);
      const text = await decided.innerText();
      assert(text.includes('Approuvée') && text.includes('Validé en e2e') && text.includes(TECH3_USER), `the history should show the approval by ${TECH3_USER}: "${text}"`);
      await screenshot('10-safeguard-history');
    });

    await step('admin logs in; the analytics charts render from the data', async () => {
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
      assert(users >= 3, `analytics should count at least 3 users, got ${users}`);
      // recharts draws SVG bars for each chart that has data.
      for (const chart of ['tokens-per-day', 'tokens-by-mode', 'top-users', 'quota-use']) {
        const card = page.locator(`[data-chart="${chart}"]`);
        await card.locator('svg.recharts-surface').waitFor();
        await card.locator('.recharts-bar-rectangle').first().waitFor();
        const bars = await card.locator('.recharts-bar-rectangle').count();
        const title = await card.locator('svg.recharts-surface > title').textContent();
        assert(bars > 0 && title, `the chart ${chart} should have bars and an SVG title`);
        console.log(`   chart ${chart}: ${bars} bar(s), "${title}"`);
      }
      // The Flash conversation was deleted with its messages: Code and Rédaction remain.
      const modeBars = await page.locator('[data-chart="tokens-by-mode"] .recharts-bar-rectangle').count();
      assert(modeBars >= 2, `tokens by mode should show the modes still used (Code, Rédaction), got ${modeBars}`);
      await screenshot('07-analytics');
    });

    await step('the Documents page lists the index and re-indexes with a result summary', async () => {
      await page.getByRole('link', { name: 'Documents' }).click();
      await page.getByRole('heading', { name: 'Documents indexés' }).waitFor();
      await page.locator('[data-testid="documents-empty"], table[aria-describedby="documents-title"]').first().waitFor();
      await page.getByRole('button', { name: 'Réindexer' }).click();
      const outcome = page.locator('[data-testid="ingest-result"], [role="alert"]').first();
      await outcome.waitFor({ timeout: 120_000 });
      const text = await outcome.innerText();
      console.log(`\n   ${text.split('\n')[0]}`);
      assert(/Réindexation terminée/.test(text), `unexpected re-indexing outcome: "${text}"`);
      await screenshot('11-documents');
    });

    await step('tablet width (768 px): menu behind a button, chat and charts fit', async () => {
      await page.setViewportSize({ width: 768, height: 1024 });
      await page.getByRole('button', { name: 'Ouvrir le menu' }).click();
      await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Statistiques' }).click();
      await page.locator('[data-chart="tokens-per-day"] svg.recharts-surface').waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert(overflow <= 1, `the analytics page should not scroll sideways at 768 px (overflow ${overflow} px)`);
      await screenshot('12-tablet-analytics');
      await page.getByRole('button', { name: 'Ouvrir le menu' }).click();
      await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Discussion' }).click();
      await page.getByLabel('Votre message').waitFor();
      const chatOverflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert(chatOverflow <= 1, `the chat should not scroll sideways at 768 px (overflow ${chatOverflow} px)`);
      await screenshot('13-tablet-chat');
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
