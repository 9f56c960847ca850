/**
 * The system's Chromium (Debian's /usr/bin/chromium), driven by playwright-core — never a
 * downloaded browser. Headless, sandbox off (it runs as a service user in containers), no
 * network chatter, a fresh profile each time.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { IsmsError } from '../errors.ts';

export const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The browser to use: $CHROMIUM_PATH is not read here (config is read once); pass it in. */
export function findChromium(explicit?: string): string {
  const candidates = explicit ? [explicit] : CHROMIUM_PATHS;
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new IsmsError('CHROMIUM_MISSING', `no Chromium found (looked for ${candidates.join(', ')}); install Debian's chromium (apt-get install chromium fonts-noto-cjk)`);
  }
  return found;
}

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launch headless Chromium with a throw-away profile (removed on close). */
export async function launchChromium(opts: { executablePath?: string; viewport?: { width: number; height: number }; locale?: string } = {}): Promise<Chromium> {
  const executablePath = findChromium(opts.executablePath);
  const profile = mkdtempSync(join(tmpdir(), 'isms-kpi-chromium-'));
  // launchPersistentContext takes the profile directory (a fresh --user-data-dir).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: opts.viewport ?? { width: 1280, height: 900 },
    locale: opts.locale ?? 'en-US',
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
