/**
 * Headless Chromium (Debian's, no downloads) driven by playwright-core, at the panel's design
 * size, recording every WebSocket frame each page receives so tests can assert on exactly what
 * reached the browser.
 */
import assert from 'node:assert/strict';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { CustomerCallHandle } from '@callgate/pbx-sim';
import { answerWhenRinging, PASSWORD, type Site } from './call-center.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface ReceivedFrame {
  url: string;
  payload: string;
}

export interface PanelPage {
  page: Page;
  context: BrowserContext;
  /** Every text frame received on any WebSocket of this page, in order. */
  frames: ReceivedFrame[];
  /** Browser console errors and page errors (a test fails on unexpected ones). */
  errors: string[];
}

export function watchPage(page: Page, context: BrowserContext): PanelPage {
  const frames: ReceivedFrame[] = [];
  const errors: string[] = [];
  page.on('websocket', (ws) => {
    ws.on('framereceived', (frame) => {
      if (typeof frame.payload === 'string') frames.push({ url: ws.url(), payload: frame.payload });
    });
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return { page, context, frames, errors };
}

export async function openPanel(
  browser: Browser,
  url: string,
  options: { locale?: string; context?: BrowserContext } = {},
): Promise<PanelPage> {
  const context =
    options.context ??
    (await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: options.locale ?? 'en-GB' }));
  const page = await context.newPage();
  const watched = watchPage(page, context);
  await page.goto(url);
  return watched;
}

export async function logIn(panel: PanelPage, username: string): Promise<void> {
  const { page } = panel;
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(PASSWORD);
  await page.locator('button[type="submit"]').click();
}

/** Waits until the locator's text contains `text` (polling the page, not a fixed sleep). */
export async function waitForText(locator: Locator, text: string | RegExp, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = (await locator.count()) > 0 ? await locator.first().innerText() : '';
    if (typeof text === 'string' ? last.includes(text) : text.test(last)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)}; the text was: ${last}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until the element's attribute has the value. */
export async function waitForAttribute(
  locator: Locator,
  name: string,
  value: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = (await locator.count()) > 0 ? await locator.first().getAttribute(name) : null;
    if (last === value) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${name}="${value}"; it was ${String(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Gets the operator into "ready": starts work (L) when not working, ends a pause or wrap-up. */
export async function readyToWork(panel: PanelPage): Promise<void> {
  const status = panel.page.getByTestId('work-status');
  await status.waitFor();
  const work = await status.getAttribute('data-work');
  if (work === 'logged-out') await panel.page.keyboard.press('l');
  else if (work !== 'ready') await panel.page.locator('#btn-ready').click();
  await waitForAttribute(status, 'data-work', 'ready');
}

/**
 * A customer calls the site's line and the operator takes it: the pop-up shows the caller, the
 * operator's phone answers when it rings, the call panel says talking.
 */
export async function takeCall(
  panel: PanelPage,
  site: Site,
  extension: string,
  from = '+79990000001',
): Promise<{ callId: string; callPanel: Locator; customer: CustomerCallHandle }> {
  const customer = site.sim.control.customerCalls({ from, line: '74950000000' });
  const popup = panel.page.getByTestId('incoming-popup');
  await popup.waitFor();
  await waitForText(popup.getByTestId('caller-number'), from);
  const callId = await popup.getAttribute('data-call-id');
  assert.ok(callId, 'the pop-up names its call');
  await answerWhenRinging(site.sim, extension);
  const callPanel = panel.page.locator(`[data-testid="call-panel"][data-call-id="${callId}"]`);
  await waitForAttribute(callPanel, 'data-state', 'talking');
  return { callId, callPanel, customer };
}
