// The timelines: the global timeline has one lane per case and its filter
// hides the other lanes without reloading the page; a case timeline is
// visible and its event marks are reachable by keyboard; on every case page
// and on the global timeline, at every width, each stage band is named in
// full or by its short title, and no timeline text is cut, overlaps another,
// leaves its band or figure, or renders below 11 px.
//
// What the global timeline check expects of the markup: one lane per case, a
// lane being an element with a non-empty data-case="<case slug>" that is not
// a form control, label, option or link and not inside a form, fieldset or
// another lane (lanes that are not a case, such as market-wide events, may be
// there too); a filter control for a case (a <select> option with
// value=<slug>, a radio or checkbox input with value or data-case <slug>, or a
// button or link with data-case <slug>) hides the other lanes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { GLOBAL_TIMELINE, SITE_DIR, TIMELINE_CASE, WIDTHS, listing, openPage, useBrowser } from './lib/site.mjs';

const browser = useBrowser();

// A timeline figure, its stage bands and its texts (band labels, years,
// breaks). The default theme draws a grid; a theme may draw SVG, whose text
// is measured as rendered (scaled), too.
const FIGURE = '.timeline-grid, svg.timeline-svg';
const TEXTS = 'a.band, .year, .gap';

/** `sel` inside a timeline figure inside `scope`, for every kind of figure. */
const inFigure = (scope, sel = '') =>
  FIGURE.split(',')
    .map((f) => `${scope} ${f.trim()}${sel ? ` ${sel}` : ''}`)
    .join(', ');
const CASE_FIGURE = inFigure('#timeline');
const CASE_MARKS = inFigure('#timeline', 'a.mark');

// The smallest text size a timeline may render, in CSS px.
const MIN_TEXT_PX = 11;

/** Opens `path` at `width` px, failing unless it answers HTTP 200. */
const open = browser.open;

/** Slugs of the cases in the built site (folders cases/<slug>/ with an index.html). */
async function caseSlugs() {
  const dir = join(SITE_DIR, 'cases');
  const slugs = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    if (await stat(join(dir, entry.name, 'index.html')).catch(() => null)) slugs.push(entry.name);
  }
  return slugs.sort();
}

async function checkTimelineFilter(t) {
  const cases = await caseSlugs();
  const { page, problems } = await openPage(browser.context, GLOBAL_TIMELINE);
  try {
    const lanes = () =>
      page.evaluate(() => {
        const notLane = 'input, select, option, button, label, a, form *, fieldset *';
        return [...document.querySelectorAll('[data-case]')]
          .filter((el) => el.dataset.case && !el.matches(notLane) && !el.parentElement.closest('[data-case]'))
          .map((el) => ({ slug: el.dataset.case, visible: el.checkVisibility() }));
      });
    const all = await lanes();
    const slugs = all.map((l) => l.slug).sort();
    const caseLanes = slugs.filter((s) => cases.includes(s));
    assert.deepEqual(caseLanes, cases, `expected one lane (element with data-case) per case ${cases.join(', ')}; found ${slugs.join(', ') || 'none'}`);
    const others = slugs.filter((s) => !cases.includes(s));
    if (others.length) t.diagnostic(`lanes that are not a case: ${others.join(', ')}`);
    const hidden = all.filter((l) => !l.visible).map((l) => l.slug);
    assert.deepEqual(hidden, [], listing('lanes hidden before any filter is chosen', hidden));

    await page.evaluate(() => (window.__casebookNoReload = true));
    const controlFor = (slug) =>
      page.evaluate((slug) => {
        const selects = [...document.querySelectorAll('select')];
        const sel = selects.find((s) => [...s.options].some((o) => o.value === slug));
        if (sel) return { kind: 'select', index: selects.indexOf(sel) };
        const inputs = [...document.querySelectorAll('input[type="radio"], input[type="checkbox"]')];
        const own = inputs.find((i) => i.value === slug || i.dataset.case === slug);
        if (own) return { kind: own.type };
        if (document.querySelector(`button[data-case="${slug}"], a[data-case="${slug}"]`)) return { kind: 'click' };
        return null;
      }, slug);
    const input = (type, slug) => page.locator(`input[type="${type}"][value="${slug}"], input[type="${type}"][data-case="${slug}"]`).first();
    // Acts as a person would: on the control if it is visible, else on its label.
    const toggle = async (control, on) => {
      if (await control.isVisible()) return on ? control.check() : control.uncheck();
      return page.locator(`label[for="${await control.getAttribute('id')}"]`).first().click();
    };

    for (const chosen of cases) {
      const how = await controlFor(chosen);
      assert.ok(how, `no filter control for case ${chosen} on ${GLOBAL_TIMELINE}`);
      if (how.kind === 'select') {
        await page.locator('select').nth(how.index).selectOption(chosen);
      } else if (how.kind === 'radio') {
        await toggle(input('radio', chosen), true);
      } else if (how.kind === 'checkbox') {
        for (const c of cases) {
          const box = input('checkbox', c);
          if ((await box.isChecked()) !== (c === chosen)) await toggle(box, c === chosen);
        }
      } else {
        await page.locator(`button[data-case="${chosen}"], a[data-case="${chosen}"]`).first().click();
      }
      await page.waitForTimeout(100);
      const wrong = (await lanes())
        .filter((l) => l.visible !== (l.slug === chosen))
        .map((l) => `${l.slug} lane is ${l.visible ? 'visible' : 'hidden'}`);
      assert.deepEqual(wrong, [], listing(`after choosing ${chosen} in the filter`, wrong));
    }
    assert.ok(await page.evaluate(() => window.__casebookNoReload === true), 'choosing a case reloaded the page');
    assert.deepEqual(problems, [], listing('problems on the timeline page', problems));
  } finally {
    await page.close();
  }
}

test(`timeline: one lane per case on ${GLOBAL_TIMELINE}, and the filter hides the other lanes`, checkTimelineFilter);

test(`case timeline on ${TIMELINE_CASE} is visible and its event marks take keyboard focus`, async (t) => {
  for (const width of WIDTHS) {
    await t.test(`at ${width} px`, async () => {
      const { page, problems } = await open(TIMELINE_CASE, width);
      try {
        const svg = page.locator(CASE_FIGURE).first();
        assert.equal(await svg.count(), 1, `no timeline figure (${CASE_FIGURE}) on the case page`);
        await svg.scrollIntoViewIfNeeded();
        assert.ok(await svg.isVisible(), 'the timeline figure is not visible');
        const box = await svg.boundingBox();
        assert.ok(box && box.width >= 200 && box.height >= 40, `the timeline is too small to read: ${JSON.stringify(box)}`);

        const marks = await page.evaluate((CASE_MARKS) =>
          [...document.querySelectorAll(CASE_MARKS)].map((a, i) => {
            a.dataset.markIndex = String(i);
            return a.getAttribute('href');
          }),
        CASE_MARKS);
        assert.ok(marks.length > 0, 'the timeline has no event marks (a.mark)');

        // Start sequential focus navigation just before the figure, then Tab through it.
        const stops = await page.evaluate((CASE_FIGURE) => {
          const svg = document.querySelector(CASE_FIGURE);
          const start = document.createElement('span');
          start.tabIndex = -1;
          svg.parentElement.before(start);
          start.focus();
          return svg.querySelectorAll('a[href]').length;
        }, CASE_FIGURE);
        const focused = [];
        for (let i = 0; i < stops + 1; i += 1) {
          await page.keyboard.press('Tab');
          focused.push(await page.evaluate(() => document.activeElement?.dataset?.markIndex ?? null));
        }
        const reached = new Set(focused.filter((m) => m !== null).map(Number));
        const missed = marks.filter((_, i) => !reached.has(i));
        assert.deepEqual(missed, [], listing('event marks that Tab never focuses', missed));

        // Enter on a focused mark follows it to the event in the list below.
        await page.evaluate((CASE_MARKS) => document.querySelector(CASE_MARKS).focus(), CASE_MARKS);
        await page.keyboard.press('Enter');
        await page.waitForFunction((hash) => location.hash === hash, marks[0]);
        const target = page.locator(`[id="${decodeURIComponent(marks[0].slice(1))}"]`);
        assert.ok(await target.isVisible(), `Enter on the first mark did not show ${marks[0]}`);
        assert.deepEqual(problems, [], listing('load problems', problems));
      } finally {
        await page.close();
      }
    });
  }
});

/**
 * Problems with the timeline texts of the page open in `page`: each text's
 * rendered box (measured on its text, not its element) must be at least
 * MIN_TEXT_PX, uncut (no ellipsis, no clipped overflow), inside its band and
 * its figure, and apart from every other text. Bands show their stage's
 * title or short title in full.
 */
function timelineProblems(page) {
  return page.evaluate(({ FIGURE, TEXTS, MIN_TEXT_PX }) => {
    const problems = [];
    const inside = (a, b) => a.left >= b.left - 0.5 && a.right <= b.right + 0.5 && a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
    const overlap = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
    // Boxes of the text a reader sees in `el` (visually hidden text, which
    // only screen readers get, is left out).
    const textRects = (el) => {
      const rects = [];
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (getComputedStyle(parent).clipPath !== 'none' || parent.getBoundingClientRect().width <= 1) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        rects.push(...[...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0));
      }
      return rects;
    };
    const figures = [...document.querySelectorAll(FIGURE)].filter((f) => f.checkVisibility());
    if (!figures.length) problems.push('no visible timeline figure');
    for (const fig of figures) {
      const name = fig.getAttribute('aria-label');
      const box = fig.getBoundingClientRect();
      const seen = [];
      for (const el of fig.querySelectorAll(TEXTS)) {
        if (!el.checkVisibility()) continue;
        const text = el.textContent.trim();
        const style = getComputedStyle(el);
        // SVG text scales with its drawing: measure it as rendered.
        const scale = el instanceof SVGElement ? Math.hypot(el.getScreenCTM().a, el.getScreenCTM().b) : 1;
        const size = Math.round(parseFloat(style.fontSize) * scale * 10) / 10;
        if (size < MIN_TEXT_PX) problems.push(`${name}: "${text}" renders at ${size} px`);
        if (style.textOverflow === 'ellipsis' || text.endsWith('…')) problems.push(`${name}: "${text}" is cut with an ellipsis`);
        if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) {
          problems.push(`${name}: "${text}" overflows its box (${el.scrollWidth}×${el.scrollHeight} in ${el.clientWidth}×${el.clientHeight})`);
        }
        const own = el.getBoundingClientRect();
        for (const r of textRects(el)) {
          if (!inside(r, own)) problems.push(`${name}: "${text}" leaves its ${el.classList.contains('band') ? 'band' : 'label'}`);
          if (!inside(r, box)) problems.push(`${name}: "${text}" leaves the figure`);
          for (const other of seen) {
            if (other.el !== el && overlap(r, other.r)) problems.push(`${name}: "${text}" overlaps "${other.el.textContent.trim()}"`);
          }
        }
        for (const r of textRects(el)) seen.push({ el, r });
        if (el.matches('a.band')) {
          const title = el.getAttribute('title');
          if (!text) problems.push(`${name}: a band with no label`);
          else if (title && !title.startsWith(text.split(' ')[0])) problems.push(`${name}: band "${text}" does not name its stage "${title}"`);
        }
      }
    }
    return [...new Set(problems)];
  }, { FIGURE, TEXTS, MIN_TEXT_PX });
}

test('timeline texts fit, stay apart and stay readable on every case page and on the global timeline', async (t) => {
  const paths = [...(await caseSlugs()).map((c) => `/cases/${c}/`), GLOBAL_TIMELINE];
  for (const path of paths) {
    for (const width of WIDTHS) {
      await t.test(`${path} at ${width} px`, async () => {
        const { page } = await open(path, width);
        try {
          const problems = await timelineProblems(page);
          assert.deepEqual(problems, [], listing(`timeline texts on ${path} at ${width} px`, problems));
        } finally {
          await page.close();
        }
      });
    }
  }
});
