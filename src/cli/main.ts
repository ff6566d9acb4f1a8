/** Command line: ask, ingest, reindex, stats. Answers go to stdout; diagnostics go to stderr. */
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import dotenv from 'dotenv';
import { Depeche, LockedError, type ArticleInput } from '../app/depeche.ts';
import { isArticleFile } from '../app/corpus.ts';
import type { ReindexReport } from '../app/indexer.ts';
import type { Answer } from '../core/types.ts';
import { loadConfig, type Config } from '../config.ts';
import { loadIngestSettings, type IngestSettings } from '../ingest/config.ts';
import { createLogger, parseLevel } from '../log.ts';
import { reportConfigError } from '../settings/report.ts';
import { loadServerSettings } from '../settings/servers.ts';
import { progressReporter } from './progress.ts';
import { renderAnswerJson, renderAnswerText, renderTimelineJson, renderTimelineText } from './render.ts';
import { feedCommand, ingestUrls, WEB_USAGE } from './web.ts';
import { describeFailure, describeNote } from './wording.ts';

const USAGE = `usage:
  npm run ask -- [--json] "question"          answer one question
  npm run ask -- [--json] --stdin             answer one question per line of standard input
  npm run timeline -- [--json] "subject"      dated quotes about a subject, oldest first
  npm run ingest -- <files or folders>        validate, copy into the corpus and index
  npm run reindex [-- --full]                 update the index (--full: rebuild everything)
  npm run reindex -- --delete-expired         also delete the files of articles past RETENTION_DAYS
  npm run stats                               what is indexed
${WEB_USAGE}
  --library <server id>                        any command on that Discord server's library
                                               (default: the shared library, CORPUS_DIR)`;

async function main(argv: string[]): Promise<number> {
  dotenv.config({ quiet: true });
  const { library, args } = takeLibrary(argv);
  const [command, ...rest] = args;
  // Every setting is read here, once; the commands get what they need.
  const shared = loadConfig(process.env, process.cwd());
  const config = library === null ? shared : serverConfig(shared, loadServerSettings(process.env, process.cwd()).serversDir, library);
  const ingestSettings = loadIngestSettings(process.env);
  const logger = createLogger(parseLevel(process.env.LOG_LEVEL ?? 'warn'));
  const app = await Depeche.open(config, { logger, preloadModel: command === 'ask' || command === 'timeline' });
  const progress = progressReporter();
  try {
    switch (command) {
      case 'ask':
        return await ask(app, rest, progress);
      case 'timeline':
        return await timeline(app, rest, progress);
      case 'ingest':
        return await ingest(app, rest, progress, ingestSettings);
      case 'reindex': {
        const { values } = parseArgs({ args: rest, options: { full: { type: 'boolean', default: false }, 'delete-expired': { type: 'boolean', default: false } } });
        const report = await app.reindex({ full: values.full, deleteExpired: values['delete-expired'] }, progress);
        if (report.expired) process.stderr.write(`${report.expired.articles} article(s) older than RETENTION_DAYS left out of the index${report.expired.filesDeleted ? ' (files deleted)' : ''}\n`);
        progress.end();
        printReport(report);
        return report.failed.length > 0 ? 1 : 0;
      }
      case 'stats':
        printStats(app);
        return 0;
      case 'feed':
        return await feedCommand(app, rest, logger, ingestSettings);
      default:
        process.stderr.write(`${USAGE}\n`);
        return 2;
    }
  } finally {
    progress.end();
    await app.close();
  }
}

/** `--library <server id>` anywhere on the line, taken out before the command reads its own options. */
function takeLibrary(argv: string[]): { library: string | null; args: string[] } {
  const args = [...argv];
  const at = args.findIndex((a) => a === '--library' || a.startsWith('--library='));
  if (at < 0) return { library: null, args };
  const [flag] = args.splice(at, 1) as [string];
  const value = flag.includes('=') ? flag.slice(flag.indexOf('=') + 1) : args.splice(at, 1)[0];
  if (value === undefined || value === 'shared') return { library: null, args };
  if (!/^\d{17,20}$/.test(value)) throw new Error(`--library: "${value}" is not a Discord server id (or "shared")`);
  return { library: value, args };
}

/** A server's library: its own folders under SERVERS_DIR, every other setting shared. */
function serverConfig(shared: Config, serversDir: string, guildId: string): Config {
  const dir = join(serversDir, guildId);
  mkdirSync(join(dir, 'corpus'), { recursive: true });
  return { ...shared, corpusDir: join(dir, 'corpus'), embeddingsDir: join(dir, 'embeddings') };
}

async function ask(app: Depeche, args: string[], progress: ReturnType<typeof progressReporter>): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, stdin: { type: 'boolean', default: false } },
  });
  if (!values.stdin && positionals.length === 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  // A reader never waits for the writer: while another process reindexes, answer from what it last committed.
  const updated = await app.ensureIndex(progress).catch((error: unknown) => {
    if (!(error instanceof LockedError) || app.status().generation === null) throw error;
    process.stderr.write(`${error.message.replace(/; try again.*$/, '')}: answering from the committed index (generation ${app.status().generation})\n`);
    return null;
  });
  progress.end();
  if (updated) process.stderr.write(`index updated: ${describeReport(updated)}\n`);
  const print = (answer: Answer) => process.stdout.write(`${values.json ? renderAnswerJson(answer) : renderAnswerText(answer)}\n`);
  if (!values.stdin) {
    print(await app.ask(positionals.join(' ')));
    return 0;
  }
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let first = true;
  for await (const line of lines) {
    if (line.trim() === '') continue;
    if (!values.json && !first) process.stdout.write('\n');
    first = false;
    print(await app.ask(line));
  }
  return 0;
}

async function timeline(app: Depeche, args: string[], progress: ReturnType<typeof progressReporter>): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  if (positionals.length === 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  // A reader never waits for the writer: while another process reindexes, answer from what it last committed.
  const updated = await app.ensureIndex(progress).catch((error: unknown) => {
    if (!(error instanceof LockedError) || app.status().generation === null) throw error;
    process.stderr.write(`${error.message.replace(/; try again.*$/, '')}: answering from the committed index (generation ${app.status().generation})\n`);
    return null;
  });
  progress.end();
  if (updated) process.stderr.write(`index updated: ${describeReport(updated)}\n`);
  const result = await app.timeline(positionals.join(' '));
  process.stdout.write(`${values.json ? renderTimelineJson(result) : renderTimelineText(result)}\n`);
  return 0;
}

async function ingest(app: Depeche, args: string[], progress: ReturnType<typeof progressReporter>, settings: IngestSettings): Promise<number> {
  if (args.length === 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const parsed = parseArgs({ args, allowPositionals: true, options: { url: { type: 'string', multiple: true } } });
  const urls = parsed.values.url ?? [];
  let urlCode = 0;
  if (urls.length > 0) {
    urlCode = await ingestUrls(app, urls, settings);
    if (parsed.positionals.length === 0) return urlCode;
    args = parsed.positionals;
  }
  const inputs: ArticleInput[] = [];
  for (const arg of args) {
    for (const path of expand(resolve(arg))) inputs.push({ name: path, bytes: readFileSync(path) });
  }
  const result = await app.addArticles(inputs, progress);
  progress.end();
  for (const a of result.added) {
    process.stdout.write(`added ${a.id}: ${a.title ?? '(sans titre)'} — ${a.chars} characters, ${a.passages} passages\n`);
  }
  for (const s of result.skipped) process.stdout.write(`skipped ${s.file}: ${describeFailure(s.reason)}\n`);
  for (const f of result.failed) process.stderr.write(`rejected ${f.file}: ${describeFailure(f.reason)}\n`);
  if (result.report) process.stderr.write(`index: ${describeReport(result.report)}\n`);
  return result.failed.length > 0 ? 1 : urlCode;
}

/** A folder stands for the article files under it. */
function expand(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.'))
    .flatMap((e) => (e.isDirectory() ? expand(join(path, e.name)) : isArticleFile(e.name) ? [join(path, e.name)] : []));
}

function describeReport(r: ReindexReport): string {
  return (
    `${r.articles} articles (${r.added} new, ${r.updated} changed, ${r.removed} removed, ${r.failed.length} rejected), ` +
    `${r.passages} passages, ${r.embedded} embedded` +
    (r.embedded > 0 ? ` at ${r.embedRate}/s` : '') +
    ` in ${(r.durationMs / 1000).toFixed(1)} s`
  );
}

function printReport(r: ReindexReport): void {
  process.stdout.write(`${describeReport(r)}\n`);
  for (const note of r.notes) process.stdout.write(`note: ${describeNote(note)}\n`);
  for (const f of r.failed) process.stderr.write(`rejected ${f.file}: ${describeFailure(f.reason)}\n`);
}

function printStats(app: Depeche): void {
  const s = app.status();
  const out = [
    `articles: ${s.articles}`,
    `passages: ${s.passages}`,
    `model: ${s.model}${s.indexModel && s.indexModel !== s.model ? ` (index built with ${s.indexModel}: run npm run reindex)` : ''}`,
    `index: generation ${s.generation ?? '-'}, built ${s.builtAt ?? 'never'}, ${(s.indexBytes / 1024).toFixed(0)} KiB vectors, ${(s.databaseBytes / 1024).toFixed(0)} KiB metadata`,
  ];
  for (const a of app.listArticles()) {
    out.push(`  ${a.id}: ${a.title ?? '(sans titre)'} — ${[a.source, a.published].filter(Boolean).join(', ') || 'outlet and date unknown'} — ${a.passages} passages`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (!reportConfigError(error, process.stderr)) process.stderr.write(`depeche: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
