// Checks of pages that are still being built: the header search box and the
// global timeline's filter. Each is skipped, with a note, while its page
// answers 404, and runs as soon as the page lands.
//
// What they expect of the markup:
// - search: an <input type="search"> inside the site header; typing the query
//   either shows results in place or, on Enter, leads to a page of results;
//   either way a visible link to the expected page appears and leads there.
// - timeline: one lane per case, a lane being an element with a non-empty
//   data-case="<case slug>" that is not a form control, label, option or link
//   and not inside a form, fieldset or another lane (lanes that are not a
//   case, such as market-wide events, may be there too); a filter control for a
//   case (a <select> option with value=<slug>, a radio or checkbox input with
//   value or data-case <slug>, or a button or link with data-case <slug>)
//   hides the other lanes without reloading the page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { GLOBAL_TIMELINE, SEARCH, SITE_DIR, SITE_HEADER, launchBrowser, listing, openPage, siteUrl, status } from './lib/site.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Skips the test with a printed note when `path` answers 404; true if skipped. */
async function skipIfMissing(t, path, what) {
  if ((await status(path)) !== 404) return false;
  const note = `${path} does not exist yet (404): ${what} check skipped until it lands`;
  console.log(`note: ${note}`);
  t.skip(note);
  return true;
}

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

export async function checkSearch(t) {
  if (await skipIfMissing(t, SEARCH.page, 'search')) return;
  const { page, problems } = await openPage(browser.context, '/');
  try {
    const box = page.locator(`${SITE_HEADER} input[type="search"]`).first();
    assert.equal(await box.count(), 1, `no input[type=search] inside the site header (${SITE_HEADER})`);
    assert.ok(await box.isVisible(), 'the header search box is not visible');
    const labelled = await box.evaluate(
      (el) => el.labels.length > 0 || !!el.getAttribute('aria-label') || !!el.getAttribute('aria-labelledby'),
    );
    assert.ok(labelled, 'the header search box has no label (a placeholder is not one)');

    const expected = new URL(siteUrl(SEARCH.expect)).pathname;
    const before = await page.evaluate(
      (expected) => [...document.querySelectorAll('a[href]')].filter((a) => new URL(a.href).pathname === expected && a.checkVisibility()).length,
      expected,
    );

    await box.click();
    await box.pressSequentially(SEARCH.query, { delay: 40 });
    let shown = await page
      .waitForFunction(({ expected, min }) =>
        [...document.querySelectorAll('a[href]')].filter((a) => new URL(a.href).pathname === expected && a.checkVisibility()).length > min,
      { expected, min: before }, { timeout: 3000 })
      .then(() => true, () => false);
    if (!shown) {
      // No results in place: submitting the search must lead to them.
      const start = page.url();
      await box.press('Enter');
      const moved = await page.waitForURL((url) => url.href !== start, { timeout: 10000 }).then(() => true, () => false);
      shown = moved && await page
        .waitForFunction(
          (expected) => [...document.querySelectorAll('main a[href]')].some((a) => new URL(a.href).pathname === expected && a.checkVisibility()),
          expected,
          { timeout: 10000 },
        )
        .then(() => true, () => false);
    }
    assert.ok(shown, `typing "${SEARCH.query}" in the header search box shows no visible result linking to ${SEARCH.expect}`);

    const result = page.locator('a[href]').filter({ visible: true }).and(
      page.locator(`a[href*="${SEARCH.expect.replace(/^\//, '')}"]`),
    ).last();
    await Promise.all([page.waitForURL((url) => url.pathname === expected), result.click()]);
    assert.deepEqual(problems, [], listing('problems while searching', problems));
  } finally {
    await page.close();
  }
}

export async function checkTimelineFilter(t) {
  if (await skipIfMissing(t, GLOBAL_TIMELINE, 'timeline filter')) return;
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

test(`search: "${SEARCH.query}" in the header search box leads to ${SEARCH.expect}`, checkSearch);
test(`timeline: one lane per case on ${GLOBAL_TIMELINE}, and the filter hides the other lanes`, checkTimelineFilter);
