// Teaching notes: on a case page that has them, suggested answers stay
// folded until opened, and the printed page is a handout: the notes are
// there, the site's navigation is not, and only the answers the reader
// opened are printed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SITE_HEADER, TEACHING_CASE, useBrowser } from './lib/site.mjs';

const browser = useBrowser();

test(`teaching notes on ${TEACHING_CASE} fold their answers and print as a handout`, async () => {
  const { page } = await browser.open(TEACHING_CASE);
  try {
    const notes = page.locator('#teaching');
    assert.equal(await notes.count(), 1, 'no teaching notes section (#teaching)');
    const answers = page.locator('#teaching details.answer');
    const count = await answers.count();
    assert.ok(count > 0, 'no suggested answers');
    const openAtStart = await page.evaluate(() => [...document.querySelectorAll('#teaching details.answer')].filter((d) => d.open).length);
    assert.equal(openAtStart, 0, 'suggested answers are open before the reader asks');

    await page.emulateMedia({ media: 'print' });
    const printed = () =>
      page.evaluate((header) => ({
        notes: document.querySelector('#teaching')?.checkVisibility() ?? false,
        header: document.querySelector(header)?.checkVisibility() ?? false,
        answers: [...document.querySelectorAll('#teaching details.answer')].filter((d) => d.checkVisibility()).length,
      }), SITE_HEADER);
    let state = await printed();
    assert.ok(state.notes, 'the printed page leaves the teaching notes out');
    assert.ok(!state.header, 'the printed page keeps the site header');
    assert.equal(state.answers, 0, 'folded answers are printed');

    await page.emulateMedia({ media: 'screen' });
    await answers.first().locator('summary').click();
    await page.emulateMedia({ media: 'print' });
    state = await printed();
    assert.equal(state.answers, 1, 'the answer the reader opened is not printed');
  } finally {
    await page.close();
  }
});
