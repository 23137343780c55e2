// A tiny static file server for a built casebook site, bound to loopback.
//
// It behaves like the static hosts the site is deployed to: `/dir/` serves
// `dir/index.html`, `/dir` redirects to `/dir/`, and a missing path answers
// 404 with the site's own 404.html. Files are read on each request, so the
// server can start before the site is built into its folder.
//
// A site built for a sub-path (`--base-url http://host/kb/`) is served under
// that PREFIX, as a host serving it from a folder would: `/kb/x/` is `x/` of
// DIR, and anything outside `/kb/` answers 404.
//
// As a program: `node server.mjs DIR [PORT] [PREFIX]` prints the port it
// listens on (PORT 0 or none: a free one) on its first line of output.

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.pf_meta': 'application/octet-stream',
};

async function isFile(path) {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function isDir(path) {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Starts serving `root` under the URL path `prefix` on 127.0.0.1:`port`
 * (0: any free port); resolves to the http.Server.
 */
export function serve(root, port = 0, prefix = '/') {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    const send = (status, body, type, headers = {}) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return send(405, 'method not allowed\n', 'text/plain', { allow: 'GET, HEAD' });
      }
      const url = new URL(req.url, 'http://127.0.0.1');
      if (!url.pathname.startsWith(prefix)) {
        if (url.pathname === prefix.slice(0, -1)) {
          return send(301, '', 'text/plain', { location: prefix + url.search });
        }
        return send(404, 'not found (outside the site)\n', 'text/plain');
      }
      let rel;
      try {
        rel = decodeURIComponent(url.pathname.slice(prefix.length - 1));
      } catch {
        return send(400, 'bad request\n', 'text/plain');
      }
      const path = resolve(join(base, rel));
      if (path !== base && !path.startsWith(base + sep)) {
        return send(403, 'forbidden\n', 'text/plain');
      }
      if (await isDir(path)) {
        if (!url.pathname.endsWith('/')) {
          return send(301, '', 'text/plain', { location: url.pathname + '/' + url.search });
        }
        const index = join(path, 'index.html');
        if (await isFile(index)) return send(200, await readFile(index), TYPES['.html']);
      } else if (await isFile(path)) {
        const type = TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
        return send(200, await readFile(path), type);
      }
      const notFound = join(base, '404.html');
      if (await isFile(notFound)) return send(404, await readFile(notFound), TYPES['.html']);
      return send(404, 'not found\n', 'text/plain');
    } catch (err) {
      return send(500, `server error: ${err.message}\n`, 'text/plain');
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok(server));
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dir, port = '0', prefix = '/'] = process.argv.slice(2);
  if (!dir || !prefix.startsWith('/') || !prefix.endsWith('/')) {
    console.error('usage: node server.mjs DIR [PORT] [PREFIX]  (PREFIX starts and ends with /)');
    process.exit(2);
  }
  const server = await serve(dir, Number(port), prefix);
  console.log(server.address().port);
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
