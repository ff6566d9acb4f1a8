/**
 * The command line with the real offline model: `ingest --url`, then `ask --json` answers from the
 * fetched article with the usual JSON contract; `feed add|list|poll|remove` follow a local feed.
 * Every page and feed is served on 127.0.0.1, allowed through FETCH_ALLOW_HOSTS.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Answer } from '../src/core/types.ts';
import { fileNameFor } from '../src/ingest/url.ts';
import { articlePage, BREST, rssFeed, SNCF, VENDANGES } from './support/http-pages.ts';
import { body, startServer, type TestServer } from './support/http-server.ts';
import { killStrayChildren, runCli } from './support/cli.ts';
import { makeWorkspace, type Workspace } from './support/workspace.ts';

const CANONICAL = 'https://www.courrier-du-rail.example/economie/2024/03/12/sncf-commande-tgv-m.html';
let server: TestServer;
let ws: Workspace;

beforeAll(async () => {
  server = await startServer();
  ws = makeWorkspace({ env: { FETCH_ALLOW_HOSTS: '127.0.0.1', FETCH_TIMEOUT_MS: '5000' } });
  server.route('/eco/sncf', body(articlePage(SNCF, { canonical: CANONICAL })));
  for (const a of [BREST, VENDANGES]) server.route(`/articles/${a.slug}`, body(articlePage(a, { canonical: `https://ouest-matin.example/${a.slug}` })));
  server.route(
    '/rss.xml',
    body(
      rssFeed('Ouest Matin', server.origin, [BREST, VENDANGES].map((a) => ({ title: a.title, link: server.url(`/articles/${a.slug}`), published: a.published }))),
      'application/rss+xml',
    ),
  );
});
afterEach(() => killStrayChildren());
afterAll(async () => {
  await server.close();
  ws.cleanup();
});

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { env: { ...ws.env, ...env }, cwd: ws.root });

function json(stdout: string): Answer {
  const lines = stdout.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as Answer;
}

describe('command line: articles by URL and feeds (real offline model)', () => {
  it('ingest --url stores the article; ask --json answers from it with a verbatim quote and the canonical link', async () => {
    const refused = await cli(['ingest', '--url', server.url('/eco/sncf')], { FETCH_ALLOW_HOSTS: '' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/rejected http:\/\/127\.0\.0\.1:\d+\/eco\/sncf: refused: 127\.0\.0\.1 is a loopback address/);
    expect(readdirSync(ws.corpusDir)).toEqual([]);

    const added = await cli(['ingest', '--url', server.url('/eco/sncf')]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/^added web-courrier-du-rail-example-[\w-]+: La SNCF commande quarante-deux rames TGV M supplémentaires à Alstom — Le Courrier du Rail, 2024-03-12 — \d+ characters, \d+ passages\n/);
    expect(readdirSync(ws.corpusDir)).toEqual([fileNameFor(CANONICAL)]);

    const again = await cli(['ingest', '--url', `${server.url('/eco/sncf')}?utm_source=x`]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^skipped .*: unchanged: article web-courrier-du-rail-example-/);

    const asked = await cli(['ask', '--json', 'Combien de rames TGV M la SNCF a-t-elle commandées à Alstom ?']);
    expect(asked.code, asked.stderr).toBe(0);
    const answer = json(asked.stdout);
    expect(answer.found).toBe(true);
    const citation = answer.citations[0]!;
    expect(citation).toMatchObject({ title: SNCF.title, source: SNCF.outlet, url: CANONICAL, published: '2024-03-12' });
    expect(citation.quote).toContain('42 rames TGV M');
    const stored = readFileSync(join(ws.corpusDir, fileNameFor(CANONICAL)), 'utf8');
    expect(stored.replace(/\s+/g, ' ')).toContain(citation.quote.replace(/\s+/g, ' '));
  });

  it('feed add, list, poll, remove', async () => {
    const notFeed = await cli(['feed', 'add', server.url('/eco/sncf')]);
    expect(notFeed.code).toBe(1);
    expect(notFeed.stderr).toMatch(/refused .*: unexpected content type "text\/html"/);

    const add = await cli(['feed', 'add', server.url('/rss.xml')]);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toMatch(/^following feed 1: Ouest Matin — 2 items; run "npm run feed -- poll" to fetch them/);
    expect((await cli(['feed', 'list'])).stdout).toMatch(/^1 {2}http:\/\/127\.0\.0\.1:\d+\/rss\.xml {2}Ouest Matin — 0 articles from 0 items — not polled yet/);

    const poll = await cli(['feed', 'poll']);
    expect(poll.code, poll.stderr).toBe(0);
    expect(poll.stdout).toContain('feed 1 Ouest Matin: 2 new items');
    expect(poll.stdout).toContain(`added web-ouest-matin-example-brest-terminal-eolien-`);
    expect(poll.stdout).toContain(`added web-ouest-matin-example-vendanges-bourgogne-`);
    expect((await cli(['feed', 'list'])).stdout).toMatch(/Ouest Matin — 2 articles from 2 items — last polled/);

    const asked = await cli(['ask', '--json', 'Quand le port de Brest a-t-il inauguré son terminal pour les éoliennes flottantes ?']);
    const answer = json(asked.stdout);
    expect(answer.found, asked.stdout).toBe(true);
    expect(answer.citations[0]!.quote).toContain('a inauguré jeudi un terminal de quatorze hectares');
    expect(answer.citations[0]!.url).toBe('https://ouest-matin.example/brest-terminal-eolien');

    const removed = await cli(['feed', 'remove', server.url('/rss.xml')]);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/stopped following feed 1: Ouest Matin \(its 2 articles stay in the corpus\)/);
    expect((await cli(['feed', 'list'])).stdout).toBe('no feeds\n');
    expect((await cli(['feed', 'remove', '1'])).code).toBe(1);
  });
});
