// What the browser checks look at, and the helpers they share.
//
// The site under test is served by scripts/browser-test.sh, which passes
// SITE_URL (the --base-url the site was built with) and SITE_DIR (the
// output folder). Paths below are relative to the site's root.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

// Pages that get the per-page checks: layout at every width, dark mode,
// print, axe and screenshots. One line per page; the crawl visits every page
// it can reach from `/` whether or not it is listed here.
export const PAGES = [
  { name: 'home', path: '/' },
  { name: 'case', path: '/cases/aliexpress-russia/' },
  { name: 'stage', path: '/cases/aliexpress-russia/entry/' },
  { name: 'framework', path: '/frameworks/business-model-canvas/' },
  { name: 'framework-quadrant', path: '/frameworks/swot/' },
  // Aggregate pages; a new page is one more line like these.
  { name: 'timeline', path: '/timeline/' },
  { name: 'compare', path: '/compare/' },
  { name: 'search', path: '/search/' },
  { name: 'teaching', path: '/teaching/' },
  { name: 'evolution', path: '/cases/aliexpress-russia/evolution/' },
  { name: 'map', path: '/map/' },
  // Content pages with wide tables and charts.
  { name: 'recommendations', path: '/recommendations/' },
  { name: 'source-tensions', path: '/market/source-tensions/' },
  // The case in Russian and in Chinese, and a page shown untranslated.
  { name: 'case-ru', path: '/ru/cases/aliexpress-russia/' },
  { name: 'case-zh', path: '/zh/cases/aliexpress-russia/' },
  { name: 'untranslated-zh', path: '/zh/entities/vk/' },
];

// Each language's home; the crawl starts from every one. `search` is a word
// of the language and the page it must find. `weight` scales the weight
// budget: a Cyrillic letter takes two bytes in UTF-8, and the Russian case
// page weighs 1.5 times the English one for the same text.
export const LANGUAGES = [
  { code: 'en', home: '/', weight: 1, search: { query: 'Tmall', expect: '/entities/tmall/' } },
  { code: 'ru', home: '/ru/', weight: 1.5, search: { query: 'канва', expect: '/ru/frameworks/business-model-canvas/' } },
  { code: 'zh', home: '/zh/', weight: 1, search: { query: '速卖通', expect: '/zh/cases/aliexpress-russia/' } },
];

/** The language of a site path: the one whose home is its longest prefix. */
export function languageOf(path) {
  return LANGUAGES.filter((l) => path.startsWith(l.home)).sort((a, b) => b.home.length - a.home.length)[0];
}

// Viewport widths of the layout checks and screenshots (a phone, a laptop).
export const WIDTHS = [375, 1280];

// A case page with teaching notes (the handout check).
export const TEACHING_CASE = '/cases/aliexpress-russia/';

// The case whose timeline gets the keyboard check.
export const TIMELINE_CASE = '/cases/aliexpress-russia/';

// The most a page may weigh with the assets it loads (HTML, CSS, scripts,
// images; the search index loads only when a search starts), in kB of 1,024
// bytes, uncompressed.
export const WEIGHT_BUDGET_KB = 150;

// The site header (its nav is hidden in print; the search box lives in it).
export const SITE_HEADER = 'body > header';

// Where the search check types, what it types, and where a result must lead.
export const SEARCH = { page: '/search/', query: 'Tmall', expect: '/entities/tmall/' };

// The global timeline: one lane per case, each marked with data-case.
export const GLOBAL_TIMELINE = '/timeline/';

// The stage whose navigation gets checked: breadcrumbs lead to its case, and
// following "next stage" from the first stage reaches every stage in order.
export const STAGE = { first: '/cases/aliexpress-russia/entry/', case: '/cases/aliexpress-russia/' };

export const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(HERE, '../../..');
export const SITE_URL = process.env.SITE_URL ?? 'http://127.0.0.1:1111/';
export const SITE_DIR = process.env.SITE_DIR ?? join(REPO, 'public');
export const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ?? join(REPO, 'target/screenshots');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const AXE = join(HERE, '../node_modules/axe-core/axe.min.js');

/** Absolute URL of a site path such as `/cases/` (the site may live under a sub-path). */
export function siteUrl(path) {
  return new URL(path.replace(/^\//, ''), SITE_URL).href;
}

/** The site path of an absolute URL of this site, or null for any other URL. */
export function sitePath(url) {
  const u = new URL(url);
  const base = new URL(SITE_URL);
  if (u.origin !== base.origin || !u.pathname.startsWith(base.pathname)) return null;
  return '/' + u.pathname.slice(base.pathname.length);
}

/** Status of a GET to a site path, without a browser. */
export async function status(path) {
  const res = await fetch(siteUrl(path), { redirect: 'follow' });
  await res.arrayBuffer();
  return res.status;
}

/**
 * Headless Chromium with the flags this closed network needs and a fresh
 * profile. `options` go to the browser context (e.g. javaScriptEnabled:
 * false). Returns { context, close }.
 */
export async function launchBrowser(options = {}) {
  const profile = await mkdtemp(join(tmpdir(), 'casebook-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
    viewport: { width: 1280, height: 800 },
    ...options,
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Opens `path` in a new page, recording console errors, uncaught exceptions
 * and failed requests (network errors and 4xx/5xx answers).
 */
export async function openPage(context, path, { width = 1280, height = 800 } = {}) {
  const page = await context.newPage();
  await page.setViewportSize({ width, height });
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const where = msg.location()?.url;
    problems.push(`console error: ${msg.text()}${where ? ` (${where})` : ''}`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught exception: ${err.message}`));
  page.on('requestfailed', (req) =>
    problems.push(`request failed: ${req.url()} (${req.failure()?.errorText ?? 'unknown error'})`),
  );
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  const response = await page.goto(siteUrl(path), { waitUntil: 'load' });
  return { page, response, problems };
}

/** Like openPage, and fails unless the page answers HTTP 200. */
export async function openOk(context, path, options) {
  const opened = await openPage(context, path, options);
  const status = opened.response?.status();
  if (status !== 200) {
    await opened.page.close();
    throw new Error(`${path} answered HTTP ${status}`);
  }
  return opened;
}

/** Formats a list of problems for an assertion message. */
export function listing(title, items) {
  return `${title} (${items.length}):\n  - ${items.join('\n  - ')}`;
}

/**
 * One browser for the tests of a file: launched before them and closed
 * after. `browser.context` is its context; `browser.open(path, width)`
 * opens a page and fails unless it answers HTTP 200.
 */
export function useBrowser(options = {}) {
  let launched;
  before(async () => {
    launched = await launchBrowser(options);
  });
  after(async () => {
    await launched?.close();
  });
  return {
    get context() {
      return launched.context;
    },
    open: (path, width = 1280) => openOk(launched.context, path, { width }),
  };
}
