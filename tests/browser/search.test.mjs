// Search: a known word typed in the header search box leads to results that
// link to the right page, and the search page's own box shows results as
// one types.
//
// What it expects of the markup: an <input type="search"> with a label inside
// the site header; typing the query either shows results in place or, on
// Enter, leads to a page of results; either way a visible link to the
// expected page appears and leads there.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SEARCH, SITE_HEADER, listing, openPage, siteUrl, useBrowser } from './lib/site.mjs';

const browser = useBrowser();

const expected = new URL(siteUrl(SEARCH.expect)).pathname;

/** Number of visible links to the expected page inside `scope`. */
function visibleResults(page, scope) {
  return page.evaluate(
    ({ expected, scope }) =>
      [...document.querySelectorAll(`${scope} a[href]`)].filter(
        (a) => new URL(a.href).pathname === expected && a.checkVisibility(),
      ).length,
    { expected, scope },
  );
}

/** Waits until more than `min` visible links to the expected page show inside `scope`. */
function resultsShown(page, scope, min, timeout) {
  return page
    .waitForFunction(
      ({ expected, scope, min }) =>
        [...document.querySelectorAll(`${scope} a[href]`)].filter(
          (a) => new URL(a.href).pathname === expected && a.checkVisibility(),
        ).length > min,
      { expected, scope, min },
      { timeout },
    )
    .then(
      () => true,
      () => false,
    );
}

/** The search box is labelled by a <label>, aria-label or aria-labelledby (a placeholder is not one). */
function labelled(box) {
  return box.evaluate((el) => el.labels.length > 0 || !!el.getAttribute('aria-label') || !!el.getAttribute('aria-labelledby'));
}

/** Clicks the last visible result linking to the expected page and waits for it to open. */
async function follow(page, scope) {
  const result = page
    .locator(`${scope} a[href]`)
    .filter({ visible: true })
    .and(page.locator(`a[href*="${SEARCH.expect.replace(/^\//, '')}"]`))
    .last();
  await Promise.all([page.waitForURL((url) => url.pathname === expected), result.click()]);
}

test(`search: "${SEARCH.query}" in the header search box leads to ${SEARCH.expect}`, async () => {
  const { page, problems } = await openPage(browser.context, '/');
  try {
    const box = page.locator(`${SITE_HEADER} input[type="search"]`).first();
    assert.equal(await box.count(), 1, `no input[type=search] inside the site header (${SITE_HEADER})`);
    assert.ok(await box.isVisible(), 'the header search box is not visible');
    assert.ok(await labelled(box), 'the header search box has no label (a placeholder is not one)');

    const before = await visibleResults(page, 'body');
    await box.click();
    await box.pressSequentially(SEARCH.query, { delay: 40 });
    let shown = await resultsShown(page, 'body', before, 3000);
    if (!shown) {
      // No results in place: submitting the search must lead to them.
      const start = page.url();
      await box.press('Enter');
      const moved = await page.waitForURL((url) => url.href !== start, { timeout: 10000 }).then(
        () => true,
        () => false,
      );
      shown = moved && (await resultsShown(page, 'main', 0, 10000));
    }
    assert.ok(shown, `typing "${SEARCH.query}" in the header search box shows no visible result linking to ${SEARCH.expect}`);
    await follow(page, 'main');
    assert.deepEqual(problems, [], listing('problems while searching', problems));
  } finally {
    await page.close();
  }
});

test(`search: the box on ${SEARCH.page} shows results while typing`, async () => {
  const { page, problems } = await openPage(browser.context, SEARCH.page);
  try {
    const box = page.locator(`main input[type="search"]`).first();
    assert.equal(await box.count(), 1, `no input[type=search] in the main content of ${SEARCH.page}`);
    assert.ok(await labelled(box), `the search box of ${SEARCH.page} has no label`);
    const start = page.url();
    await box.click();
    await box.pressSequentially(SEARCH.query, { delay: 40 });
    assert.ok(
      await resultsShown(page, 'main', 0, 10000),
      `typing "${SEARCH.query}" on ${SEARCH.page} shows no visible result linking to ${SEARCH.expect}`,
    );
    assert.equal(page.url(), start, 'typing in the search box left the page');
    await follow(page, 'main');
    assert.deepEqual(problems, [], listing('problems while searching', problems));
  } finally {
    await page.close();
  }
});
