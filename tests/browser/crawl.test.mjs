// Crawl the built site from `/` and every language's home: every internal page loads with no console
// error and no failed request, and every internal link and #anchor resolves.
//
// The crawl follows links, so pages being added to the site are checked as
// soon as something links to them. Generated .html files that nothing links
// to are crawled too, and named in a note.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { LANGUAGES, SITE_DIR, languageOf, SITE_URL, WEIGHT_BUDGET_KB, listing, openPage, sitePath, siteUrl, useBrowser } from './lib/site.mjs';

const browser = useBrowser();

/** Site paths of every generated .html file (`x/index.html` is `/x/`). */
async function generatedPages() {
  const out = [];
  for (const entry of await readdir(SITE_DIR, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.html')) continue;
    const rel = relative(SITE_DIR, join(entry.parentPath ?? entry.path, entry.name)).split(sep).join('/');
    out.push('/' + rel.replace(/(^|\/)index\.html$/, '$1'));
  }
  return out.sort();
}

/** Links, form targets, ids and the canonical URL of the page open in `page`. */
function harvest(page) {
  return page.evaluate(() => {
    const XLINK = 'http://www.w3.org/1999/xlink';
    const targets = [];
    for (const a of document.querySelectorAll('a, area')) {
      const href = a.getAttribute('href') ?? a.getAttributeNS(XLINK, 'href');
      if (href !== null) targets.push({ href, text: (a.textContent || a.getAttribute('aria-label') || '').trim().slice(0, 60) });
    }
    for (const f of document.querySelectorAll('form[action]')) targets.push({ href: f.getAttribute('action'), text: 'form' });
    return {
      targets: targets.map((t) => ({ ...t, abs: new URL(t.href, document.baseURI).href })),
      ids: [...document.querySelectorAll('[id]')].map((e) => e.id),
      canonical: document.querySelector('link[rel="canonical"]')?.href ?? null,
      // Shown untranslated: its canonical URL is the original's.
      fallback: !!document.querySelector('main .translation-note.fallback'),
      weight: (() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const assets = performance.getEntriesByType('resource');
        return {
          html: nav?.decodedBodySize ?? 0,
          assets: assets.reduce((n, r) => n + (r.decodedBodySize || 0), 0),
          assetCount: assets.length,
        };
      })(),
    };
  });
}

test('crawl from / : pages load cleanly, links and anchors resolve', async (t) => {
  const pages = new Map(); // site path (no #) -> { status, type, ids, weight }
  const links = []; // { from, text, path, hash }
  // Every language from its home page.
  const queue = LANGUAGES.map((l) => l.home);
  const queued = new Set(queue);
  let external = 0;
  const enqueue = (path) => {
    if (!queued.has(path)) {
      queued.add(path);
      queue.push(path);
    }
  };

  // The sitemap, when there is one, names pages too.
  const sitemap = await fetch(siteUrl('/sitemap.xml'));
  if (sitemap.ok) {
    for (const [, loc] of (await sitemap.text()).matchAll(/<loc>([^<]+)<\/loc>/g)) {
      const path = sitePath(loc.replace(/&amp;/g, '&'));
      if (path === null) links.push({ from: '/sitemap.xml', text: 'sitemap entry', path: loc, hash: '', foreign: true });
      else enqueue(path);
    }
  }

  const crawl = async (path) => {
    const res = await fetch(siteUrl(path), { redirect: 'manual' });
    const type = res.headers.get('content-type') ?? '';
    await res.arrayBuffer();
    const info = { status: res.status, type, ids: null, weight: null };
    pages.set(path, info);
    if (res.status !== 200 || !type.startsWith('text/html')) return;
    await t.test(`page ${path}`, async () => {
      const { page, problems } = await openPage(browser.context, path);
      try {
        const found = await harvest(page);
        info.ids = new Set(found.ids);
        info.weight = found.weight;
        const own = found.fallback ? '/' + path.slice(languageOf(path).home.length) : path;
        if (found.canonical && !path.endsWith('/404.html') && found.canonical !== siteUrl(own)) {
          problems.push(`canonical URL ${found.canonical} is not the page's URL ${siteUrl(own)}`);
        }
        for (const { href, text, abs } of found.targets) {
          const u = new URL(abs);
          if (!['http:', 'https:'].includes(u.protocol)) continue; // mailto:, tel:
          const target = sitePath(abs);
          if (target === null) {
            external += 1;
            if (u.hostname === '127.0.0.1' || u.hostname === 'localhost') {
              problems.push(`link "${text}" (${href}) points to another local site; internal links must carry the base URL`);
            }
            continue;
          }
          const clean = target.replace(/#.*$/, '');
          links.push({ from: path, text, path: clean, hash: u.hash });
          enqueue(clean);
        }
      } finally {
        await page.close();
      }
      assert.deepEqual(problems, [], listing(`${path} has problems`, problems));
    });
  };

  while (queue.length) await crawl(queue.shift());

  // Generated pages that no link reached: crawl them as well, and say so.
  const orphans = (await generatedPages()).filter((p) => !pages.has(p) && p !== '/404.html');
  for (const path of ['/404.html', ...orphans]) enqueue(path);
  while (queue.length) await crawl(queue.shift());
  if (orphans.length) t.diagnostic(`reached neither from / nor from the sitemap: ${orphans.join(', ')}`);

  await t.test('an unknown deep URL answers 404 with the styled 404 page', async () => {
    const missing = '/cases/no-such-case/no-such-stage/';
    const { page, response, problems } = await openPage(browser.context, missing);
    try {
      assert.equal(response?.status(), 404, `${missing} answered HTTP ${response?.status()}`);
      const styled = await page.evaluate(
        () => document.styleSheets.length > 0 && getComputedStyle(document.body).backgroundColor !== 'rgba(0, 0, 0, 0)',
      );
      assert.ok(styled, 'the 404 page is unstyled at a deep URL (its stylesheet link must be root-relative)');
      const others = problems.filter((p) => !p.includes(missing));
      assert.deepEqual(others, [], listing('problems on the 404 page', others));
    } finally {
      await page.close();
    }
  });

  await t.test('every internal link resolves', () => {
    const broken = links
      .filter((l) => l.foreign || pages.get(l.path)?.status !== 200)
      .map((l) =>
        l.foreign
          ? `${l.from}: "${l.text}" -> ${l.path} is not under the base URL ${SITE_URL}`
          : `${l.from}: "${l.text}" -> ${l.path} (HTTP ${pages.get(l.path)?.status}${
              pages.get(l.path)?.status === 301 ? ': add the trailing slash' : ''
            })`,
      );
    assert.deepEqual([...new Set(broken)], [], listing('broken internal links', [...new Set(broken)]));
  });

  await t.test('every #anchor resolves', () => {
    const broken = [];
    for (const l of links) {
      if (!l.hash || l.hash === '#') continue;
      const target = pages.get(l.path);
      if (!target?.ids) continue; // not an HTML page, or already reported as broken
      const id = decodeURIComponent(l.hash.slice(1));
      if (!target.ids.has(id)) broken.push(`${l.from}: "${l.text}" -> ${l.path}${l.hash} (no element with id "${id}")`);
    }
    assert.deepEqual([...new Set(broken)], [], listing('broken #anchors', [...new Set(broken)]));
  });

  await t.test('feed, sitemap and robots.txt point under the base URL, and their links load', async () => {
    const problems = [];
    const urls = [];
    const feed = await fetch(siteUrl('/atom.xml'));
    if (feed.ok) {
      const xml = await feed.text();
      for (const [, href] of xml.matchAll(/<link[^>]*href="([^"]+)"/g)) urls.push(['atom.xml link', href]);
      for (const [, id] of xml.matchAll(/<id>([^<]+)<\/id>/g)) if (/^https?:/.test(id)) urls.push(['atom.xml id', id]);
    } else {
      problems.push(`atom.xml answered HTTP ${feed.status}`);
    }
    const robots = await fetch(siteUrl('/robots.txt'));
    if (robots.ok) {
      for (const [, url] of (await robots.text()).matchAll(/^Sitemap:\s*(\S+)/gim)) urls.push(['robots.txt', url]);
    }
    for (const [where, raw] of urls) {
      const url = raw.replace(/&amp;/g, '&');
      if (sitePath(url) === null) {
        problems.push(`${where}: ${url} is not under the base URL ${SITE_URL}`);
        continue;
      }
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status !== 200) problems.push(`${where}: ${url} answered HTTP ${res.status}`);
    }
    assert.ok(urls.length > 0, 'the feed and robots.txt name no URL');
    assert.deepEqual(problems, [], listing('feed and robots.txt URLs', problems));
  });

  const html = [...pages.entries()].filter(([, p]) => p.weight);
  const heaviest = html
    .map(([path, p]) => ({ path, ...p.weight, total: p.weight.html + p.weight.assets }))
    .sort((a, b) => b.total - a.total)
    .slice(0, 3);
  const kb = (n) => (n / 1024).toFixed(1);
  t.diagnostic(`crawled ${html.length} pages, ${links.length} internal links, ${external} external links (not fetched)`);
  for (const h of heaviest) {
    t.diagnostic(`weight ${h.path}: ${kb(h.total)} kB (HTML ${kb(h.html)} kB + ${h.assetCount} assets ${kb(h.assets)} kB)`);
  }
  assert.ok(html.length > 1, 'the crawl found no page beyond the home page');
  const budget = (path) => WEIGHT_BUDGET_KB * languageOf(path).weight;
  const over = heaviest
    .filter((h) => h.total / 1024 > budget(h.path))
    .map((h) => `${h.path}: ${kb(h.total)} kB (budget ${budget(h.path)} kB)`);
  assert.deepEqual(over, [], listing(`pages heavier than ${WEIGHT_BUDGET_KB} kB with their assets`, over));
});
