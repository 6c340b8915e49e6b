/**
 * The real browser the dashboard tests drive: Debian's Chromium through
 * playwright-core. Without Chromium the tests fail (they never skip): CI
 * must install it.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = process.env.DISTAUDIT_CHROMIUM ?? '/usr/bin/chromium';
// The machine's network is closed: without these Chromium keeps trying (and failing) to reach Google's services.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Screenshots to look at (git-ignored). */
export const RESULTS = fileURLToPath(new URL('../../test-results/', import.meta.url));

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not at ${CHROMIUM}: the dashboard tests need a real browser (apt-get install chromium, or set DISTAUDIT_CHROMIUM)`);
  }
  mkdirSync(RESULTS, { recursive: true });
  return chromium.launch({ headless: true, executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** The verdict colours of dashboard/style.css, as the browser computes them. */
export const VERDICT_RGB = { pass: 'rgb(31, 136, 61)', warn: 'rgb(240, 180, 0)', fail: 'rgb(207, 34, 46)' };
/** Runs in the page (this tsconfig has no DOM types, so it names the little it uses). */
export const backgroundOf = (el: unknown) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor;
