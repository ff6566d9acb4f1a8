/**
 * A relay in front of the Discord double's REST API that can hold the double's answer to chosen
 * requests until the test lets it go: the double has received and recorded the request, the bot is
 * still waiting for the answer. This makes "a request in flight" an event instead of a race.
 * Give the bot `gate.restUrl` as DISCORD_REST_API; the gateway URL still comes from the double.
 */
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';

interface Held {
  method: string;
  path: string;
  release: () => void;
}

export class RestGate {
  /** Answers held right now, in arrival order. */
  readonly held: Held[] = [];
  private holdIf: ((method: string, path: string) => boolean) | null = null;
  private heldWaiters: ((h: Held) => void)[] = [];

  private constructor(
    private readonly server: Server,
    readonly restUrl: string,
  ) {}

  /** Relays to `target` (e.g. `http://127.0.0.1:PORT`, the double's baseUrl). */
  static async start(target: string): Promise<RestGate> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const gate = new RestGate(server, `http://127.0.0.1:${port}/api`);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const upstream = request(new URL(req.url ?? '/', target), { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (c: Buffer) => body.push(c));
          answer.on('end', () => {
            const send = () => {
              res.writeHead(answer.statusCode ?? 502, answer.headers as IncomingHttpHeaders);
              res.end(Buffer.concat(body));
            };
            const path = decodeURIComponent(new URL(req.url ?? '/', target).pathname.replace(/^\/api(\/v\d+)?/, ''));
            if (gate.holdIf?.(req.method ?? 'GET', path)) gate.hold({ method: req.method ?? 'GET', path, release: send });
            else send();
          });
        });
        upstream.on('error', (e) => {
          res.writeHead(502);
          res.end(String(e));
        });
        upstream.end(Buffer.concat(chunks));
      });
    });
    return gate;
  }

  /** Holds the answers to requests matching `pred` (path without `/api/vN`, decoded) from now on. */
  holdAnswers(pred: (method: string, path: string) => boolean): void {
    this.holdIf = pred;
  }

  /** Resolves once an answer is held (the double has already answered the request). */
  nextHeld(): Promise<Held> {
    const first = this.held[0];
    if (first) return Promise.resolve(first);
    return new Promise((resolve) => this.heldWaiters.push(resolve));
  }

  /** Lets every held answer go to the bot, and holds no more. */
  releaseAll(): void {
    this.holdIf = null;
    for (const h of this.held.splice(0)) h.release();
  }

  async stop(): Promise<void> {
    this.releaseAll();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private hold(h: Held): void {
    this.held.push(h);
    for (const w of this.heldWaiters.splice(0)) w(h);
  }
}
