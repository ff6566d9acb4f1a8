/**
 * A local HTTP server for the ingestion tests, on 127.0.0.1 only, with routes the test can change
 * between requests (a feed that gains an item, an article that gets updated) and a log of requests.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface TestServer {
  /** http://127.0.0.1:PORT */
  origin: string;
  url(path: string): string;
  route(path: string, handler: Handler): void;
  /** Requests received, in order: path and headers. */
  requests: { path: string; headers: IncomingMessage['headers'] }[];
  hits(path: string): number;
  close(): Promise<void>;
}

export async function startServer(): Promise<TestServer> {
  const routes = new Map<string, Handler>();
  const requests: TestServer['requests'] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ path, headers: req.headers });
    const handler = routes.get(path) ?? routes.get(path.split('?')[0]!);
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' }).end('<h1>Introuvable</h1>');
      return;
    }
    Promise.resolve(handler(req, res)).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: (path) => `${origin}${path}`,
    route: (path, handler) => void routes.set(path, handler),
    requests,
    hits: (path) => requests.filter((r) => r.path === path).length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Serves a fixed body with a content type. */
export function body(content: string | Uint8Array, contentType = 'text/html; charset=utf-8', extra: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': contentType, ...extra });
    res.end(content);
  };
}

/**
 * Serves a document with an ETag and Last-Modified, and answers 304 to a matching conditional
 * request. `current()` is read at each request, so the test can change the document in between.
 */
export function cached(current: () => { body: string; etag: string; lastModified: string }, contentType: string): Handler {
  return (req, res) => {
    const doc = current();
    if (req.headers['if-none-match'] === doc.etag || (req.headers['if-none-match'] === undefined && req.headers['if-modified-since'] === doc.lastModified)) {
      res.writeHead(304, { etag: doc.etag, 'last-modified': doc.lastModified }).end();
      return;
    }
    res.writeHead(200, { 'content-type': contentType, etag: doc.etag, 'last-modified': doc.lastModified }).end(doc.body);
  };
}

export function redirect(to: string, status = 302): Handler {
  return (_req, res) => {
    res.writeHead(status, { location: to }).end();
  };
}
