/**
 * `trovato serve`'s HTTP side (node:http): parses a request into an AppRequest, hands it to the
 * site app, and writes the AppResponse. Bodies are bounded; only forms are accepted.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { clientScript } from './client-script.js';
import { NOTICE_COOKIE, USER_COOKIE } from './site-app.js';
import type { AppRequest, AppResponse } from './app-exchange.js';

/** A form larger than this is refused (413): the site's forms are a few fields of text. */
export const MAX_FORM_BYTES = 1 << 20;

const STYLES = `body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:0 1rem}
.site-header{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;border-bottom:1px solid #ccc}
.site-header ul{display:flex;gap:1rem;list-style:none;padding:0}
.notice{border:2px solid #2a7a2a;padding:.5rem}
.render-error,.errors,.field-error{border:2px solid #b00;padding:.5rem;color:#600}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem}
.item-form label{display:block;margin:.5rem 0}
.pager{display:flex;flex-wrap:wrap;gap:1rem;align-items:baseline;margin:1rem 0}`;

export interface ListeningServer {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

/** Starts listening on `port` (0: any free port) and `host`; resolves once it listens. */
export async function listen(handle: (request: AppRequest) => Promise<AppResponse>, port: number, host = '127.0.0.1'): Promise<ListeningServer> {
  const server = createServer((req, res) => {
    void respond(handle, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function respond(handle: (request: AppRequest) => Promise<AppResponse>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'http://trovato.invalid');
    if (url.pathname === '/assets/serve.css') return send(res, { status: 200, headers: { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'max-age=3600' }, body: STYLES });
    if (url.pathname === '/assets/site.js') return send(res, { status: 200, headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }, body: await clientScript() });
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') {
      return send(res, text(405, `The method ${method} is not served; pages are GET and forms are POST.`, { allow: 'GET, HEAD, POST' }));
    }
    let form: Record<string, string> = {};
    if (method === 'POST') {
      const type = (req.headers['content-type'] ?? '').split(';')[0].trim();
      if (type !== 'application/x-www-form-urlencoded') {
        return send(res, text(415, `A POST must be a form (application/x-www-form-urlencoded), not "${type || 'no content type'}".`));
      }
      const body = await readBody(req);
      if (body === null) return send(res, text(413, `The form is larger than ${MAX_FORM_BYTES} bytes.`));
      form = Object.fromEntries(new URLSearchParams(body));
    }
    const response = await handle({
      method: method === 'HEAD' ? 'GET' : method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      form,
      userId: cookie(req.headers.cookie, USER_COOKIE),
      notice: cookie(req.headers.cookie, NOTICE_COOKIE) || null,
    });
    send(res, method === 'HEAD' ? { ...response, body: '' } : response);
  } catch (error) {
    send(res, text(500, `The server failed before building the page: ${error instanceof Error ? error.message : String(error)}`));
  }
}

function text(status: number, message: string, headers: Record<string, string> = {}): AppResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body: `${message}\n` };
}

function send(res: ServerResponse, response: AppResponse): void {
  if (res.headersSent) return;
  res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(response.body) });
  res.end(response.body);
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function cookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) {
      try {
        return decodeURIComponent(value.join('='));
      } catch {
        return null;
      }
    }
  }
  return null;
}
