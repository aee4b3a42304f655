import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium package (installed by `npm run setup` as root): no browser download. */
export const CHROMIUM = '/usr/bin/chromium';

/** A reason to skip browser tests, or false when chromium is installed. */
export const noChromium: string | false = existsSync(CHROMIUM) ? false : `chromium is not installed at ${CHROMIUM} (as root, npm run setup installs the Debian package chromium)`;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
