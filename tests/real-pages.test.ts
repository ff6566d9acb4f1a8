/**
 * Real news pages (tests/fixtures/real-pages, see SOURCES.md), served unmodified apart from weight
 * (scripts, styles, inline images) by a local server on 127.0.0.1 and added by URL: each must come
 * out with the title, outlet, date and language the page states, its first and last sentences, and
 * none of its navigation, subscription or sharing boilerplate.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Depeche } from '../src/app/depeche.ts';
import { parseArticle } from '../src/core/article.ts';
import { DEFAULT_USER_AGENT, type FetchSettings } from '../src/ingest/config.ts';
import { closeFetchAgents } from '../src/ingest/fetch.ts';
import { addArticleFromUrl } from '../src/ingest/url.ts';
import { body, startServer, type TestServer } from './support/http-server.ts';
import { HASH_SPEC, makeWorkspace, type Workspace } from './support/workspace.ts';

interface Expected {
  outlet: string;
  title: string;
  published: string;
  language: string | null;
  url: string;
  first: string;
  last: string;
  /** Strings the page shows outside the article: never stored. */
  boilerplate: string[];
  /** Whole paragraphs that must not be stored (a lone caption word). */
  notParagraphs?: string[];
}

const DIR = join(import.meta.dirname, 'fixtures/real-pages');
const EXPECTED = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<string, Expected>;
const SETTINGS: FetchSettings = { allowHosts: ['127.0.0.1'], timeoutMs: 10_000, maxBytes: 2_000_000, maxRedirects: 3, userAgent: DEFAULT_USER_AGENT };

let server: TestServer;
let ws: Workspace;
let app: Depeche;

beforeAll(async () => {
  server = await startServer();
  ws = makeWorkspace();
  app = await Depeche.open(ws.config(), { embedder: HASH_SPEC, inlineQueryEmbedder: true });
});
afterAll(async () => {
  await app?.close();
  ws?.cleanup();
  await closeFetchAgents();
  await server?.close();
});

describe('real news pages added by URL', () => {
  it('has at least 12 pages, French ones first, each with what the page states', () => {
    const names = Object.keys(EXPECTED);
    expect(names.length).toBeGreaterThanOrEqual(12);
    expect(names.filter((n) => EXPECTED[n]!.language === 'fr').length).toBeGreaterThanOrEqual(8);
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`${name}: ${expected.outlet}`, async () => {
      const html = readFileSync(join(DIR, `${name}.html`), 'utf8');
      // The boilerplate checked for is really on the page, so its absence below means something.
      const dom = new JSDOM(html);
      const pageText = dom.window.document.body.textContent ?? '';
      dom.window.close();
      for (const b of expected.boilerplate) expect(pageText.includes(b), `${name} shows "${b}"`).toBe(true);
      // One connection per page: indexing between two pages can outlast the server's keep-alive.
      server.route(`/${name}`, body(html, 'text/html; charset=utf-8', { connection: 'close' }));
      const outcome = await addArticleFromUrl(app, server.url(`/${name}`), SETTINGS);
      expect(outcome.status, JSON.stringify(outcome)).toBe('added');
      if (outcome.status !== 'added') return;
      expect({ title: outcome.article.title, source: outcome.article.source, published: outcome.article.published, url: outcome.article.url }).toEqual({
        title: expected.title,
        source: expected.outlet,
        published: expected.published,
        url: expected.url,
      });
      expect(outcome.extracted.language).toBe(expected.language);
      const stored = readFileSync(join(ws.corpusDir, outcome.article.path.split('/').pop()!), 'utf8');
      const text = parseArticle('x.md', Buffer.from(stored)).body;
      expect(text).toContain(expected.first);
      expect(text).toContain(expected.last);
      expect(text.indexOf(expected.first)).toBeLessThan(400);
      for (const b of expected.boilerplate) expect(text, `${name} stored "${b}"`).not.toContain(b);
      const paragraphs = text.split(/\n\s*\n/).map((p) => p.trim());
      for (const p of expected.notParagraphs ?? []) expect(paragraphs, `${name} stored the lone "${p}"`).not.toContain(p);
    });
  }
});
