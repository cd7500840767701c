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
    });

    await step(`admin logs out; ${TECH_USER} logs in`, async () => {
      await logout();
      await login(TECH_USER, TECH_PASSWORD);
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
      console.log(`\n   conversation "${conversationTitle}", tokens ${usedBefore} → ${usedAfter}`);
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
