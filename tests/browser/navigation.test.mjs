// Navigation that shows where you are: the "skip to content" link, the
// header's current section, case → stage breadcrumbs, previous/next stage
// links, and link previews (title + summary) on hover and keyboard focus.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STAGE, TIMELINE_CASE, listing, sitePath, siteUrl, useBrowser } from './lib/site.mjs';

const browser = useBrowser();

/** Opens `path` at `width` px, failing unless it answers HTTP 200. */
const open = browser.open;

test('the first Tab reaches a visible "skip to content" link that moves focus to the main content', async () => {
  const { page, problems } = await open(STAGE.first, 375);
  try {
    await page.keyboard.press('Tab');
    const skip = await page.evaluate(() => {
      const a = document.activeElement;
      const r = a.getBoundingClientRect();
      return {
        text: a.textContent.trim(),
        href: a.getAttribute('href'),
        onScreen: r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 && r.right <= innerWidth,
      };
    });
    assert.match(skip.text, /skip to (main )?content/i, `the first Tab focuses "${skip.text}", not a skip link`);
    assert.ok(skip.onScreen, 'the focused skip link is not visible on screen');
    await page.keyboard.press('Enter');
    const target = skip.href.replace(/^#/, '');
    await page.waitForFunction((id) => document.activeElement?.id === id, target, { timeout: 2000 }).catch(() => {});
    const focused = await page.evaluate(() => ({ id: document.activeElement?.id, tag: document.activeElement?.tagName }));
    assert.equal(focused.tag, 'MAIN', `after the skip link, focus is on <${focused.tag?.toLowerCase()}> #${focused.id}, not on <main>`);
    // The next Tab goes to the first link inside the main content, not back to the header.
    await page.keyboard.press('Tab');
    const inMain = await page.evaluate(() => !!document.activeElement?.closest('main'));
    assert.ok(inMain, 'Tab after skipping lands outside <main>');
    assert.deepEqual(problems, [], listing('load problems', problems));
  } finally {
    await page.close();
  }
});

test('the header marks the current section', async () => {
  const { page } = await open(STAGE.first);
  try {
    const current = await page.evaluate(() =>
      [...document.querySelectorAll('body > header nav a[aria-current]')].map((a) => a.getAttribute('href')),
    );
    assert.deepEqual(
      current.map((h) => sitePath(new URL(h, siteUrl('/')).href)),
      ['/cases/'],
      'on a stage page, the header should mark "Cases" (and only it) as current',
    );
  } finally {
    await page.close();
  }
});

test('a stage page has case → stage breadcrumbs', async () => {
  const { page } = await open(STAGE.first);
  try {
    const crumbs = await page.evaluate(() => {
      const nav = document.querySelector('nav[aria-label="Breadcrumb"]');
      if (!nav) return null;
      return {
        links: [...nav.querySelectorAll('a[href]')].map((a) => ({ href: a.href, text: a.textContent.trim() })),
        current: nav.querySelector('[aria-current="page"]')?.textContent.trim() ?? null,
        title: document.querySelector('h1')?.textContent.trim(),
        visible: nav.checkVisibility(),
      };
    });
    assert.ok(crumbs, 'no nav[aria-label=Breadcrumb] on the stage page');
    assert.ok(crumbs.visible, 'the breadcrumbs are hidden');
    const paths = crumbs.links.map((l) => sitePath(l.href));
    assert.deepEqual(paths.slice(-2), ['/cases/', STAGE.case], `breadcrumbs lead to ${paths.join(' › ')}`);
    assert.equal(crumbs.current, crumbs.title, 'the last breadcrumb is not the current stage (aria-current="page")');
  } finally {
    await page.close();
  }
});

test('previous/next stage links walk every stage of the case in order, both ways', async () => {
  // The stages the case page lists, in order (its "Stages" section).
  const { page: casePage } = await open(STAGE.case);
  const listed = await casePage.evaluate((prefix) => {
    const seen = [];
    for (const a of document.querySelectorAll('main section[aria-labelledby="stages-heading"] a[href]')) {
      const path = new URL(a.href).pathname;
      if (path.startsWith(prefix) && path !== prefix && /^[^/]+\/$/.test(path.slice(prefix.length)) && !seen.includes(path)) seen.push(path);
    }
    return seen;
  }, new URL(siteUrl(STAGE.case)).pathname);
  await casePage.close();
  assert.ok(listed.length >= 2, `the case page lists fewer than two stages: ${listed.join(', ')}`);

  const walk = [];
  const prevOf = new Map();
  let path = STAGE.first;
  while (path && walk.length <= listed.length) {
    const { page, problems } = await open(path);
    try {
      walk.push(new URL(siteUrl(path)).pathname);
      const rel = await page.evaluate(() => ({
        next: document.querySelector('main a[rel="next"]')?.href ?? null,
        prev: document.querySelector('main a[rel="prev"]')?.href ?? null,
      }));
      prevOf.set(walk.at(-1), rel.prev && new URL(rel.prev).pathname);
      assert.deepEqual(problems, [], listing(`load problems on ${path}`, problems));
      path = rel.next && sitePath(rel.next);
    } finally {
      await page.close();
    }
  }
  assert.deepEqual(walk, listed, 'following "next stage" from the first stage does not visit the listed stages in order');
  const wrongPrev = walk.flatMap((p, i) =>
    prevOf.get(p) === (i ? walk[i - 1] : null) ? [] : [`${p}: previous is ${prevOf.get(p)}, expected ${i ? walk[i - 1] : 'none'}`],
  );
  assert.deepEqual(wrongPrev, [], listing('wrong "previous stage" links', wrongPrev));
});

/** The link preview's text and box, or null while none is shown. */
function shownPreview(page) {
  return page.evaluate(() => {
    const el = document.querySelector('[role="tooltip"]');
    if (!el || !el.checkVisibility()) return null;
    const r = el.getBoundingClientRect();
    return { id: el.id, text: el.textContent, left: r.left, right: r.right, width: innerWidth };
  });
}

for (const width of [1280, 375]) {
  test(`link previews on ${TIMELINE_CASE} at ${width} px: title and summary on hover and on keyboard focus`, async () => {
    const { page, problems } = await open(TIMELINE_CASE, width);
    try {
      // An internal link in the text with a summary to preview.
      const link = page.locator('main .prose a.internal[title], main .prose a.internal[data-preview-summary]').first();
      assert.equal(await link.count(), 1, 'no internal link with a summary in the case text');
      const expect = await link.evaluate((a) => ({
        title: a.getAttribute('data-preview-title') || a.textContent.trim(),
        summary: a.getAttribute('title') || a.getAttribute('data-preview-summary'),
      }));

      await link.scrollIntoViewIfNeeded();
      await link.hover();
      await page.waitForFunction(() => document.querySelector('[role="tooltip"]')?.checkVisibility(), null, { timeout: 2000 }).catch(() => {});
      let shown = await shownPreview(page);
      assert.ok(shown, 'hovering an internal link shows no preview ([role=tooltip])');
      assert.ok(shown.text.includes(expect.title) && shown.text.includes(expect.summary), `the preview reads "${shown.text}"`);
      assert.ok(shown.left >= 0 && shown.right <= shown.width, `the preview sticks out of the viewport: ${JSON.stringify(shown)}`);

      await page.mouse.move(0, 0);
      await page.waitForFunction(() => !document.querySelector('[role="tooltip"]')?.checkVisibility(), null, { timeout: 2000 });

      // Keyboard: Tab onto the link from the element before it.
      await link.evaluate((a) => {
        const start = document.createElement('span');
        start.tabIndex = -1;
        a.before(start);
        start.focus();
      });
      await page.keyboard.press('Tab');
      assert.ok(await link.evaluate((a) => a === document.activeElement), 'Tab did not reach the link');
      shown = await shownPreview(page);
      assert.ok(shown, 'focusing an internal link by keyboard shows no preview');
      assert.ok(shown.text.includes(expect.title) && shown.text.includes(expect.summary), `the preview reads "${shown.text}"`);
      assert.equal(await link.getAttribute('aria-describedby'), shown.id, 'the focused link is not described by its preview');
      await page.keyboard.press('Escape');
      assert.equal(await shownPreview(page), null, 'Escape does not close the preview');

      // A citation previews its entry in the reference list.
      const cite = page.locator('main .cite a[href^="#ref-"]').first();
      const entry = await cite.evaluate((a) => document.getElementById(a.getAttribute('href').slice(1))?.textContent ?? '');
      await cite.focus();
      shown = await shownPreview(page);
      assert.ok(shown, 'focusing a citation shows no preview');
      const words = entry.trim().split(/\s+/).slice(0, 6).join(' ');
      assert.ok(shown.text.includes(words), `the citation preview "${shown.text}" does not show its reference "${words}…"`);
      assert.deepEqual(problems, [], listing('problems', problems));
    } finally {
      await page.close();
    }
  });
}
