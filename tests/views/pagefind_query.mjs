// Queries a built Pagefind index with Pagefind's own JavaScript, reading the
// bundle from disk and merging its shards as the theme's search script does:
// node pagefind_query.mjs SITE_DIR WORD
// Prints the matching pages as JSON: [{ url, title }].
import { readFile } from "node:fs/promises";
import { pathToFileURL, fileURLToPath } from "node:url";

const [dir, word] = process.argv.slice(2);
const bundle = pathToFileURL(dir + "/pagefind/");
globalThis.fetch = async (url) => {
  const body = await readFile(fileURLToPath(new URL(url, bundle)));
  return new Response(body, { status: 200 });
};
const pagefind = await import(new URL("pagefind.js", bundle).href);
await pagefind.options({ basePath: bundle.href, baseUrl: "/" });
await pagefind.init();
const shards = JSON.parse(await readFile(fileURLToPath(new URL("shards.json", bundle))));
await Promise.all(
  shards.map((shard) => pagefind.mergeIndex(new URL(shard, bundle).href, { baseUrl: "/" })),
);
const search = await pagefind.search(word);
const pages = await Promise.all(search.results.map((r) => r.data()));
console.log(JSON.stringify(pages.map((p) => ({ url: p.url, title: p.meta.title }))));
