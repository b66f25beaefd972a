/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser: the CI
 * network reaches only npm and Debian). Browser tests skip with a printed reason when
 * the binary is missing; `.ci/run` installs it.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export function chromiumPath(): string | null {
  const path = process.env.ACS_TEST_CHROMIUM ?? '/usr/bin/chromium';
  return existsSync(path) ? path : null;
}

export function chromiumSkipReason(): string | false {
  return chromiumPath() ? false : `no Chromium at ${process.env.ACS_TEST_CHROMIUM ?? '/usr/bin/chromium'} (apt-get install -y chromium; .ci/run does)`;
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('Chromium is not installed');
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}
