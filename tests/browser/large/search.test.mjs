// Search on a site too large for one search index: 1,100 pages in three
// shards (scripts/browser-test.sh builds it). The search page merges the
// shards, so a word found on one page only, in the first or the last shard,
// leads to that page, with nothing failing to load.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listing, openPage, useBrowser } from '../lib/site.mjs';

const browser = useBrowser();

for (const n of ['0000', '0550', '1099']) {
  test(`search: the word of page ${n} finds that page across the shards`, async () => {
    const { page, problems } = await openPage(browser.context, `/search/?q=zq${n}mark`);
    try {
      const link = page.locator(`#search-results a[href$="/entities/p${n}/"]`);
      await link.first().waitFor({ state: 'visible', timeout: 30000 });
      assert.match(await page.textContent('#search-summary'), /\b1 result\b/);
      assert.equal(await page.locator('#search-results a[href]').count(), 1);
      assert.deepEqual(problems, [], listing('problems while searching', problems));
    } finally {
      await page.close();
    }
  });
}
