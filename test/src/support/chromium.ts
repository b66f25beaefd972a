/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser: the CI
 * network reaches only npm and Debian). Browser tests skip with a printed reason when
 * the binary is missing; `.ci/run` installs it.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export function chromiumPath(): string | null {
  const path = process.env.ACS_TEST_CHROMIUM ?? '/usr/bin/chromium';
  return existsSync(path) ? path : null;
}

export function chromiumSkipReason(): string | false {
  return chromiumPath()
    ? false
    : `no Chromium at ${process.env.ACS_TEST_CHROMIUM ?? '/usr/bin/chromium'} (apt-get install -y chromium; .ci/run does)`;
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('Chromium is not installed');
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** A Content-Security-Policy violation the page reported, or a console error about one. */
export interface CspViolation {
  url: string;
  directive: string;
  blocked: string;
  /** Where the blocked code is: the script and line that tried it. */
  source?: string;
}

/**
 * Collects every CSP violation on `page` from the moment it is called: the document's
 * `securitypolicyviolation` events (through an init script, which the policy does not
 * govern) and console errors that mention the policy, so nothing the browser blocked
 * passes unnoticed.
 */
export async function watchCspViolations(page: Page): Promise<CspViolation[]> {
  const seen: CspViolation[] = [];
  await page.exposeBinding('__acsCspViolation', (_source, v: CspViolation) => void seen.push(v));
  // Page code as a string: the tests compile without the DOM library.
  await page.addInitScript(`document.addEventListener('securitypolicyviolation', (e) => {
    window.__acsCspViolation?.({ url: e.documentURI, directive: e.effectiveDirective, blocked: e.blockedURI || e.sample, source: e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber });
  });`);
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text()))
      seen.push({ url: page.url(), directive: 'console', blocked: message.text() });
  });
  return seen;
}
