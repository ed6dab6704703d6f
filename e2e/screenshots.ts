/**
 * Takes the screenshots in docs/screenshots from a real run: a hub, two sites (pbx-sim +
 * gateway each) and the built panel in headless Chromium at 1280×720, with a few calls made so
 * the screens have something to show. Run: `node --import tsx e2e/screenshots.ts`.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, logIn, openPanel, readyToWork, waitForAttribute, type PanelPage } from './support/browser.js';
import { answerWhenRinging, startCallCenter, waitUntil } from './support/call-center.js';
import { CONTACTS, MOSCOW, SUPERVISORS, TALLINN } from './support/staff.js';

const out = fileURLToPath(new URL('../docs/screenshots', import.meta.url));
await mkdir(out, { recursive: true });
const shot = (panel: PanelPage, name: string): Promise<Buffer> =>
  panel.page.screenshot({ path: join(out, `${name}.png`) });
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const center = await startCallCenter({ sites: [MOSCOW, TALLINN], supervisors: SUPERVISORS, contacts: CONTACTS });
const browser = await launchBrowser();
try {
  const moscow = center.site('moscow').sim.control;
  const tallinn = center.site('tallinn').sim.control;

  const login = await openPanel(browser, center.url);
  await login.page.locator('input[name="username"]').waitFor();
  await shot(login, 'login');
  await login.context.close();

  // Anna's morning: two calls answered and wrapped up, one customer busy.
  const anna = await openPanel(browser, center.url);
  await logIn(anna, 'anna');
  await waitForAttribute(anna.page.locator('[data-testid="telephony-badge"] [data-phase]'), 'data-phase', 'live');
  await anna.page.keyboard.press('l');
  await waitForAttribute(anna.page.getByTestId('work-status'), 'data-work', 'ready');
  for (const [code, notes] of [
    ['sale', 'Ordered 40 pallets, delivery Tuesday.'],
    ['callback', 'Wants the December price list; call back after 3 pm.'],
  ] as const) {
    moscow.customerCalls({ from: '+79990000001', line: '74950000000' });
    await anna.page.getByTestId('incoming-popup').waitFor();
    await answerWhenRinging(center.site('moscow').sim, '1001');
    await anna.page.locator('[data-testid="call-panel"][data-state="talking"]').waitFor();
    await pause(1500);
    moscow.phone('1001').hangup();
    const form = anna.page.getByTestId('wrap-up-form').first();
    await form.waitFor();
    await form.locator(`input[value="${code}"]`).check();
    await form.locator('textarea[name="notes"]').fill(notes);
    await form.locator('textarea[name="notes"]').press('Control+Enter');
    await form.waitFor({ state: 'detached' });
    await readyToWork(anna);
  }
  await anna.page.locator('#dial-input').fill('+7 999 000-00-02');
  await anna.page.locator('#dial-input').press('Enter');
  await waitForAttribute(anna.page.getByTestId('last-call'), 'data-outcome', 'busy');
  await readyToWork(anna);
  await waitUntil(async () => (await anna.page.getByTestId('history-row').count()) >= 3, 'the history fills');

  // The people around her.
  moscow.addMember('support', 'PJSIP/1002', 'Boris Petrov');
  moscow.pauseMember('PJSIP/1002', 'lunch');
  moscow.addMember('sales', 'PJSIP/1003', 'Vera Sidorova');
  tallinn.addMember('support', 'PJSIP/1001', 'Kati Tamm');
  tallinn.addMember('support', 'PJSIP/1002', 'Mart Kask');
  tallinn.pauseMember('PJSIP/1002', 'training');

  moscow.customerCalls({ from: '+79990000001', line: '74950000000' });
  await anna.page.getByTestId('incoming-popup').waitFor();
  await anna.page.getByTestId('contact-name').waitFor();
  await pause(1200);
  await shot(anna, 'operator-incoming-call');
  await answerWhenRinging(center.site('moscow').sim, '1001');
  await anna.page.locator('[data-testid="call-panel"][data-state="talking"]').waitFor();

  // Tallinn is busy meanwhile: one call talking, one waiting in the queue.
  tallinn.customerCalls({ from: '+3725551234', line: '74950000000' });
  await answerWhenRinging(center.site('tallinn').sim, '1001');
  tallinn.customerCalls({ from: '+3725557777', line: '74950000000' });
  moscow.customerCalls({ from: '+79990000088', line: '74950000001' });

  await pause(7000);
  await anna.page.locator('button[id^="transfer-"]').click();
  await shot(anna, 'operator-active-call');
  await anna.page.locator('button[id^="transfer-"]').click();

  const sue = await openPanel(browser, center.url);
  await logIn(sue, 'sue');
  await sue.page.locator('[data-testid="site-card"]').nth(1).waitFor();
  await pause(2500);
  await shot(sue, 'supervisor-sites');

  moscow.phone('1001').hangup();
  const form = anna.page.getByTestId('wrap-up-form').first();
  await form.waitFor();
  await form.locator('input[value="resolved"]').check();
  await form.locator('textarea[name="notes"]').fill('Delivery moved to Friday at her request.');
  await shot(anna, 'operator-wrap-up');
  await form.locator('textarea[name="notes"]').press('Control+Enter');
  await form.waitFor({ state: 'detached' });

  await anna.page.getByRole('button', { name: 'RU' }).click();
  await pause(500);
  await shot(anna, 'operator-russian');

  await sue.page.getByRole('tab', { name: 'Call log' }).click();
  const row = sue.page.locator('[data-testid="call-log-row"]', { hasText: 'Sale' }).first();
  await waitUntil(async () => {
    await sue.page.getByRole('button', { name: 'Show' }).click();
    await sue.page.waitForLoadState('networkidle');
    return (await row.count()) > 0;
  }, 'the calls reach the log');
  await row.click();
  await sue.page.getByTestId('call-detail').locator('[data-record-id]').waitFor();
  await shot(sue, 'supervisor-call-log');
  process.stdout.write(`screenshots written to ${out}\n`);
} finally {
  await browser.close();
  await center.stop();
}
