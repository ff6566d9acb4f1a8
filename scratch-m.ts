import { readFileSync } from 'node:fs';
import { extractArticle } from './src/ingest/extract.ts';
import { extractArticle as oldExtract } from './src/ingest/zz-old-extract.ts';
import * as pages from './tests/support/http-pages.ts';
const E = JSON.parse(readFileSync('tests/fixtures/real-pages/expected.json', 'utf8'));
type X = (h: string, u: string) => { title: string | null; source: string | null; published: string | null; language: string | null; canonicalUrl: string; text: string };
function real(fn: X) {
  let ok = 0; const bad: string[] = [];
  for (const [name, e] of Object.entries<any>(E)) {
    try {
      const a = fn(readFileSync(`tests/fixtures/real-pages/${name}.html`, 'utf8'), 'http://127.0.0.1/' + name);
      const paras = a.text.split('\n\n');
      const fails = [a.title !== e.title && 'title', a.source !== e.outlet && 'outlet', a.published !== e.published && 'date', a.language !== e.language && 'lang',
        !a.text.includes(e.first) && 'first', !a.text.includes(e.last) && 'last', e.boilerplate.some((b: string) => a.text.includes(b)) && 'boilerplate',
        (e.notParagraphs ?? []).some((p: string) => paras.includes(p)) && 'caption'].filter(Boolean);
      if (fails.length === 0) ok++; else bad.push(`${name}(${fails.join(',')})`);
    } catch (err) { bad.push(`${name}(${(err as Error).message})`); }
  }
  return `${ok}/${Object.keys(E).length} ${bad.join(' ')}`;
}
function synthetic(fn: X) {
  const arts = Object.values(pages).filter((v: any) => v && typeof v === 'object' && Array.isArray(v.paragraphs)) as any[];
  let ok = 0; const bad: string[] = [];
  for (const art of arts) for (const opts of [{}, { noJsonLd: true }]) {
    try { const a = fn(pages.articlePage(art, opts as any), 'http://127.0.0.1/x'); if (a.text === art.paragraphs.join('\n\n')) ok++; else bad.push(art.title.slice(0, 20)); } catch (err) { bad.push(art.title.slice(0, 20) + ':' + (err as Error).message); }
  }
  return `${ok}/${arts.length * 2} ${bad.join(' | ')}`;
}
console.log('before (93b0441):  real', real(oldExtract), ' synthetic', synthetic(oldExtract));
console.log('now, removeAds on: real', real((h, u) => extractArticle(h, u)), ' synthetic', synthetic((h, u) => extractArticle(h, u)));
console.log('now, removeAds off: real', real((h, u) => extractArticle(h, u, { removeAds: false })), ' synthetic', synthetic((h, u) => extractArticle(h, u, { removeAds: false })));
