// Starts chromium (Debian's /usr/bin/chromium, headless, through playwright-core) and the
// static server once per test file; closing the browser ends its processes.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { serveDist } from './server';

export const UI = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHOTS = join(UI, 'test-results', 'screenshots');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export function fixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(join(UI, 'tests', 'fixtures', `${name}.json`), 'utf8')) as T;
}

export interface Harness {
  browser: Browser;
  url: string;
  /** Pages' requests that left 127.0.0.1 (must stay empty) and page errors. */
  external: string[];
  errors: string[];
  page(opts?: { colorScheme?: 'light' | 'dark'; query?: string; hash?: string }): Promise<Page>;
  close(): Promise<void>;
}

export async function start(): Promise<Harness> {
  if (!existsSync(join(UI, 'dist', 'index.html'))) throw new Error('ui/dist is missing: run `npm run build` first');
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  mkdirSync(SHOTS, { recursive: true });
  const server = await serveDist(join(UI, 'dist'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const external: string[] = [];
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  return {
    browser,
    url: server.url,
    external,
    errors,
    async page({ colorScheme = 'light', query = 'mock=fixtures', hash = '#/today' } = {}) {
      const context = await browser.newContext({
        colorScheme, timezoneId: 'Europe/Berlin', locale: 'en-GB', viewport: { width: 1100, height: 800 },
      });
      contexts.push(context);
      const page = await context.newPage();
      page.on('request', (r) => { if (!r.url().startsWith(server.url)) external.push(r.url()); });
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      await page.goto(`${server.url}/?${query}${hash}`);
      return page;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close();
      await server.close();
    },
  };
}

/** The duration format the UI uses, for expectations computed from fixtures. */
export { duration, index } from '../../src/lib/format/format';
