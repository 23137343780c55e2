// Languages: every page says its language in <html lang>, the switcher leads
// to the same page in each language, a page shown untranslated marks its
// text as the original's language and says so in the reader's, and the
// search page of each language finds a word of that language.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LANGUAGES, listing, openPage, siteUrl, useBrowser } from './lib/site.mjs';

const browser = useBrowser();
const CASE = 'cases/aliexpress-russia/';
// How the search summary reads in each language (from the theme's strings).
const SUMMARY = { ru: /по запросу/, zh: /相关的结果/ };

for (const lang of LANGUAGES) {
  test(`${lang.code}: the home and the case page are in ${lang.code}, the switcher names every language`, async () => {
    for (const path of [lang.home, `${lang.home}${CASE}`]) {
      const { page, problems } = await openPage(browser.context, path);
      try {
        assert.equal(await page.getAttribute('html', 'lang'), lang.code, `${path}: <html lang>`);
        // The other languages are links; the reader's is marked, not linked.
        const versions = await page.$$eval('nav.languages li > *', (els) =>
          els.map((e) => ({
            lang: e.getAttribute('lang'),
            path: e.href ? new URL(e.href).pathname : null,
            current: e.getAttribute('aria-current'),
          })),
        );
        assert.deepEqual(
          versions.map((v) => v.lang),
          LANGUAGES.map((l) => l.code),
          `${path}: the switcher lists every language, each marked with its lang`,
        );
        assert.deepEqual(
          versions.filter((v) => v.current).map((v) => v.lang),
          [lang.code],
          `${path}: the switcher marks the reader's language`,
        );
        for (const v of versions.filter((v) => !v.current)) {
          const other = LANGUAGES.find((l) => l.code === v.lang);
          assert.equal(v.path, new URL(siteUrl(path.replace(lang.home, other.home))).pathname);
        }
        assert.deepEqual(problems, [], listing(`problems on ${path}`, problems));
      } finally {
        await page.close();
      }
    }
  });
}

test('a page shown untranslated says so in the reader\'s language and marks its text as English', async () => {
  const { page, problems } = await openPage(browser.context, '/zh/entities/vk/');
  try {
    const note = await page.locator('main .translation-note').innerText();
    assert.match(note, /本页尚未译成中文/);
    assert.equal(await page.getAttribute('main h1', 'lang'), 'en');
    const canonical = await page.getAttribute('link[rel="canonical"]', 'href');
    assert.equal(new URL(canonical).pathname, new URL(siteUrl('/entities/vk/')).pathname);
    assert.equal(await page.locator('link[rel="alternate"][hreflang]').count(), 0);
    assert.deepEqual(problems, [], listing('problems', problems));
  } finally {
    await page.close();
  }
});

for (const lang of LANGUAGES.filter((l) => l.code !== 'en')) {
  test(`${lang.code}: the search page finds "${lang.search.query}" in its own language`, async () => {
    const { page, problems } = await openPage(browser.context, `${lang.home}search/`);
    try {
      const box = page.locator('main input[type="search"]').first();
      await box.click();
      await box.pressSequentially(lang.search.query, { delay: 40 });
      const expected = new URL(siteUrl(lang.search.expect)).pathname;
      await page.waitForFunction(
        (expected) =>
          [...document.querySelectorAll('main a[href]')].some(
            (a) => new URL(a.href).pathname === expected && a.checkVisibility(),
          ),
        expected,
        { timeout: 15000 },
      );
      // The summary line is in the page's language, with the query.
      const summary = await page.locator('#search-summary').innerText();
      assert.match(summary, SUMMARY[lang.code], `summary "${summary}"`);
      assert.ok(summary.includes(lang.search.query), `summary "${summary}" names the query`);
      // Every result is a page of this language.
      const results = await page.$$eval('main .pagefind-modular-list-link, main a.pagefind-modular-list-link', (as) =>
        as.map((a) => new URL(a.href).pathname),
      );
      const home = new URL(siteUrl(lang.home)).pathname;
      assert.ok(results.every((p) => p.startsWith(home)), listing('results outside the language', results));
      assert.deepEqual(problems, [], listing('problems while searching', problems));
    } finally {
      await page.close();
    }
  });
}
