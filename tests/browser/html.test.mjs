// Every generated .html file passes the Nu HTML Checker with zero errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { HERE, SITE_DIR, listing } from './lib/site.mjs';

const VNU = join(HERE, '../node_modules/vnu-jar/build/dist/vnu.jar');

function run(cmd, args) {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', fail);
    child.on('close', (code) => ok({ code, out }));
  });
}

test('Nu HTML Checker: every generated .html file is valid', async (t) => {
  const files = (await readdir(SITE_DIR, { recursive: true })).filter((f) => f.endsWith('.html'));
  assert.ok(files.length > 0, `no .html file under ${SITE_DIR}`);
  const { code, out } = await run('java', ['-jar', VNU, '--errors-only', '--skip-non-html', '--format', 'gnu', SITE_DIR]);
  const errors = out
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => line.replaceAll(`file:${SITE_DIR}/`, '').replaceAll(`${SITE_DIR}/`, ''));
  t.diagnostic(`${files.length} files checked`);
  assert.deepEqual(errors, [], listing('HTML errors', errors));
  assert.equal(code, 0, `vnu exited with ${code}`);
});
