import { readFileSync } from 'node:fs';
import { extractArticle } from './src/ingest/extract.ts';
import { PAGES } from './tests/fixtures/real-pages/prepare.mjs';
const only = process.argv[2];
for (const name of Object.keys(PAGES)) {
  if (only && name !== only) continue;
  const html = readFileSync(`tests/fixtures/real-pages/${name}.html`, 'utf8');
  try {
    const a = extractArticle(html, 'http://127.0.0.1/x');
    const paras = a.text.split('\n\n');
    console.log(JSON.stringify({ name, title: a.title, source: a.source, published: a.published, language: a.language, url: a.canonicalUrl, chars: a.text.length, first: paras.slice(0, 2).map((p) => p.slice(0, 150)), last: paras.at(-1)!.slice(-200) }, null, 1));
  } catch (e) { console.log(name, 'ERROR', (e as Error).message); }
}
