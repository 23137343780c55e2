// The timelines: the global timeline has one lane per case and its filter
// hides the other lanes without reloading the page; a case timeline is
// visible and its event marks are reachable by keyboard.
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
        const svg = page.locator('#timeline svg').first();
        assert.equal(await svg.count(), 1, 'no timeline figure (#timeline svg) on the case page');
        await svg.scrollIntoViewIfNeeded();
        assert.ok(await svg.isVisible(), 'the timeline figure is not visible');
        const box = await svg.boundingBox();
        assert.ok(box && box.width >= 200 && box.height >= 40, `the timeline is too small to read: ${JSON.stringify(box)}`);

        const marks = await page.evaluate(() =>
          [...document.querySelectorAll('#timeline svg a.mark')].map((a, i) => {
            a.dataset.markIndex = String(i);
            return a.getAttribute('href');
          }),
        );
        assert.ok(marks.length > 0, 'the timeline has no event marks (a.mark)');

        // Start sequential focus navigation just before the figure, then Tab through it.
        const stops = await page.evaluate(() => {
          const svg = document.querySelector('#timeline svg');
          const start = document.createElement('span');
          start.tabIndex = -1;
          svg.parentElement.before(start);
          start.focus();
          return svg.querySelectorAll('a[href]').length;
        });
        const focused = [];
        for (let i = 0; i < stops + 1; i += 1) {
          await page.keyboard.press('Tab');
          focused.push(await page.evaluate(() => document.activeElement?.dataset?.markIndex ?? null));
        }
        const reached = new Set(focused.filter((m) => m !== null).map(Number));
        const missed = marks.filter((_, i) => !reached.has(i));
        assert.deepEqual(missed, [], listing('event marks that Tab never focuses', missed));

        // Enter on a focused mark follows it to the event in the list below.
        await page.evaluate(() => document.querySelector('#timeline svg a.mark').focus());
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
