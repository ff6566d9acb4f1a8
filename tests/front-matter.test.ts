import { describe, expect, it } from 'vitest';
import { parseArticle } from '../src/core/article.ts';
import { toFrontMatterMarkdown } from '../src/core/front-matter.ts';
import { decodeBody } from '../src/ingest/decode.ts';
import { toArticleMarkdown } from '../src/ingest/url.ts';
import { articleMarkdown } from '../src/eval/datasets.ts';

/** Text a reporter may well write that the Markdown reader would otherwise take as markup. */
const TRICKY_BODY = [
  '# pas un titre',
  '> pas une citation',
  '- pas une liste',
  '    + pas une liste non plus, même indentée',
  '*** trois étoiles',
  'un [lien](http://x) et `code` et *gras* et __souligné__ et ~~barré~~ et <!-- commentaire --> et ![image](a.png)',
  '=====',
  '```',
  'code ?',
  '```',
  '[ref]: http://x',
  'Le chemin C:\\Users\\x, 5 * 3 = 15 et a_b_c.',
  '---',
  'Fin : « guillemets » et l’apostrophe.',
].join('\n');

const META = {
  title: 'Sport : "tout" savoir — # et --- et: deux-points',
  source: 'Le Monde',
  url: 'https://www.lemonde.fr/a/b?x=1&y=2',
  published: '2024-05-31',
  language: 'fr',
};

describe('toFrontMatterMarkdown', () => {
  it('reads back to the same metadata and exactly the same body', () => {
    const parsed = parseArticle('a.md', Buffer.from(toFrontMatterMarkdown(META, TRICKY_BODY)));
    expect(parsed.meta).toEqual(META);
    expect(parsed.body).toBe(`\n${TRICKY_BODY}\n`);
    expect(parsed.warnings).toEqual([]);
  });

  it('leaves out empty fields, and a body that starts with --- is not taken for front matter', () => {
    const file = toFrontMatterMarkdown({ title: null, source: '', url: 'http://x.fr/' }, '---\ntexte');
    expect(file.split('\n').slice(0, 3)).toEqual(['---', 'url: "http://x.fr/"', '---']);
    const parsed = parseArticle('a.md', Buffer.from(file));
    expect(parsed.meta).toEqual({ title: null, source: null, url: 'http://x.fr/', published: null, language: null });
    expect(parsed.body).toBe('\n---\ntexte\n');
  });

  it('keeps the author for people reading the file; the reader ignores it with a warning', () => {
    const parsed = parseArticle('a.md', Buffer.from(toFrontMatterMarkdown({ ...META, author: 'Jeanne Dupont' }, 'Texte.')));
    expect(parsed.meta).toEqual(META);
    expect(parsed.warnings).toEqual(['front matter: unknown key "author" ignored']);
  });

  it('is what pages fetched by URL and evaluation articles are stored as', () => {
    const page = toArticleMarkdown({ title: META.title, source: META.source, author: null, canonicalUrl: META.url, published: META.published, language: 'fr', text: TRICKY_BODY });
    expect(page).toBe(toFrontMatterMarkdown(META, TRICKY_BODY));
    const evalFile = articleMarkdown({ id: 'x', title: META.title, source: META.source, url: META.url, published: META.published, body: TRICKY_BODY }, true);
    expect(evalFile).toBe(toFrontMatterMarkdown(META, TRICKY_BODY));
  });
});

describe('one byte decoder', () => {
  it('reads a legacy Windows-1252 file as article and as fetched page to the same text', () => {
    const bytes = Uint8Array.from('Titre\nCoût : 5 \x80, l\x92\x9cuvre\x85 « ici »', (c) => c.charCodeAt(0));
    const asArticle = parseArticle('a.txt', bytes);
    const asPage = decodeBody(bytes, null, 'html');
    expect(asPage.encoding).toBe('windows-1252');
    expect(`Titre\n${asArticle.body}`).toBe(asPage.text);
    expect(asArticle.body).toBe('Coût : 5 €, l’œuvre… « ici »');
  });
});
