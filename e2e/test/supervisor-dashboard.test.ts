/**
 * The supervisor dashboard in real Chromium: two sites (each a pbx-sim and a gateway linked to
 * the hub) update live on one screen, and the call log opens a call's detail.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startCallCenter, waitUntil, type CallCenter } from '../support/call-center.js';
import { launchBrowser, logIn, openPanel, waitForAttribute, waitForText, type PanelPage } from '../support/browser.js';
import { CONTACTS, MOSCOW, SUPERVISORS, TALLINN } from '../support/staff.js';

describe('supervisor dashboard in a browser', () => {
  let center: CallCenter;
  let browser: Browser;
  let sue: PanelPage;

  before(async () => {
    center = await startCallCenter({ sites: [MOSCOW, TALLINN], supervisors: SUPERVISORS, contacts: CONTACTS });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await center?.stop();
  });

  it('sees both sites, and each updates live as calls and operators change there', async () => {
    sue = await openPanel(browser, center.url);
    await logIn(sue, 'sue');
    await waitForAttribute(sue.page.locator('[data-testid="live-badge"] [data-phase]'), 'data-phase', 'live');
    const moscow = sue.page.locator('[data-testid="site-card"][data-site="moscow"]');
    const tallinn = sue.page.locator('[data-testid="site-card"][data-site="tallinn"]');
    await waitForText(moscow.locator('h2'), 'Moscow');
    await waitForText(tallinn.locator('h2'), 'Tallinn');
    await waitForText(tallinn.getByTestId('site-link'), 'up');
    // The gateways linked to the hub before they logged in to Asterisk: the PBX must still show up.
    await waitForText(moscow.getByTestId('site-pbx'), 'up');
    await waitForText(tallinn.getByTestId('site-pbx'), 'up');

    // Tallinn: a customer waits in the support queue (nobody is working there yet).
    const customer = center.site('tallinn').sim.control.customerCalls({ from: '+79990000055', line: '74950000000' });
    const waiting = tallinn.locator('[data-testid="queue-row"][data-queue="support"] [data-testid="queue-waiting"]');
    await waitForText(waiting, '1');
    await tallinn.locator('[data-testid="live-call"][data-state="queued"]').waitFor();

    // Moscow: Anna starts work and goes on a lunch pause (as her panel would, through Asterisk).
    const moscowSim = center.site('moscow').sim.control;
    moscowSim.addMember('support', 'PJSIP/1001', 'Anna Ivanova');
    const anna = moscow.locator('[data-testid="operator-row"][data-operator="anna"]');
    await waitForAttribute(anna, 'data-work', 'ready');
    await waitForText(anna, 'Anna Ivanova');
    moscowSim.pauseMember('PJSIP/1001', 'lunch');
    await waitForAttribute(anna, 'data-work', 'paused');
    await waitForText(anna, 'Lunch');

    // Tallinn: the customer gives up; the queue empties and the day's counters move.
    customer.hangup();
    await waitForText(waiting, '0');
    await waitForText(tallinn.getByTestId('counter-abandoned'), '1');
    await waitForText(tallinn.getByTestId('counter-offered'), '1');
    assert.equal(await moscow.getByTestId('counter-offered').innerText(), '0', 'one site never shows the other');
    // Each gateway reports its outbox; the abandoned call's record has reached the hub.
    await waitForAttribute(tallinn.locator('[data-testid="site-outbox"] [data-backlog]'), 'data-backlog', '0');
  });

  it('finds the call in the log by site and outcome and opens its detail', async () => {
    await sue.page.getByRole('tab', { name: 'Call log' }).click();
    const filters = sue.page.getByTestId('call-log-filters');
    await filters.locator('select[name="site"]').selectOption('tallinn');
    await filters.locator('select[name="outcome"]').selectOption('abandoned');
    const row = sue.page.getByTestId('call-log-row').first();
    // The record reaches the hub a moment after the call ends (outbox → uplink): ask again
    // until it is there, as a supervisor would.
    await waitUntil(async () => {
      await filters.getByRole('button', { name: 'Show' }).click();
      await sue.page.waitForLoadState('networkidle');
      return (await row.count()) > 0;
    }, 'the abandoned call is in the log');
    await waitForText(row, '+79990000055');
    await waitForText(row, 'Abandoned');
    await row.click();
    const detail = sue.page.getByTestId('call-detail');
    await waitForText(detail, 'support');
    await waitForText(detail, 'Customer');
    await waitForText(detail, 'No disposition saved.');
  });

  it('the login screen logs no console error: on a first visit, and after logging out and reloading', async () => {
    // Its own browser context: a fresh cookie jar, and logging out here does not end sue's tab.
    const visitor = await openPanel(browser, center.url);
    const loginForm = visitor.page.locator('input[name="username"]');
    await loginForm.waitFor();
    await visitor.page.waitForLoadState('networkidle');
    assert.deepEqual(visitor.errors, [], 'asking the hub who is logged in is not an error');

    await logIn(visitor, 'sue');
    await waitForAttribute(visitor.page.locator('[data-testid="live-badge"] [data-phase]'), 'data-phase', 'live');
    await visitor.page.getByRole('button', { name: 'Log out' }).click();
    await loginForm.waitFor();
    // The ended session's cookie may still be in the jar; a reload asks with it.
    await visitor.page.reload();
    await loginForm.waitFor();
    await visitor.page.waitForLoadState('networkidle');
    assert.deepEqual(visitor.errors, []);
    await visitor.context.close();
  });
});
