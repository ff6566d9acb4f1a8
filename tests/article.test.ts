import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ArticleError, articleIdFromPath, parseArticle } from '../src/core/article.ts';
import { cleanArticleText } from '../src/core/text/clean.ts';

/** The shared seed articles: the repository's sibling folder shared/ (as on developer machines and in CI). */
const SEEDS = fileURLToPath(new URL('../../shared/seed-articles', import.meta.url));

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const md = (text: string) => parseArticle('article.md', utf8(text));

function utf16(text: string, bigEndian: boolean): Uint8Array {
  const bytes = new Uint8Array(2 + text.length * 2);
  bytes.set(bigEndian ? [0xfe, 0xff] : [0xff, 0xfe]);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    bytes[2 + i * 2] = bigEndian ? code >> 8 : code & 0xff;
    bytes[3 + i * 2] = bigEndian ? code & 0xff : code >> 8;
  }
  return bytes;
}

/** The ArticleError thrown by `fn` (fails the test if there is none). */
function articleError(fn: () => unknown): ArticleError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ArticleError);
    return error as ArticleError;
  }
  throw new Error('expected an ArticleError');
}

describe('parseArticle on the seed .txt files', () => {
  const parse = (name: string) => parseArticle(name, readFileSync(`${SEEDS}/${name}`));

  it('000: the first line is the title and leaves the body', () => {
    const { meta, body, warnings } = parse('000_a792ea779ded17df.txt');
    expect(meta).toEqual({
      title: 'Le fabricant Chinois de smartphones Xiaomi signe un accord avec Microsoft',
      source: null,
      url: null,
      published: null,
      language: null,
    });
    expect(warnings).toEqual([]);
    expect(body.trimStart().startsWith('Microsoft vient de vendre 1 500 brevets')).toBe(true);
    expect(body).not.toContain('signe un accord avec Microsoft\n');
  });

  it('002: title line found, the glued paragraph kept verbatim', () => {
    const { meta, body } = parse('002_b47782d4bcdb19f1.txt');
    expect(meta.title).toBe('Xiaomi veut créer une division en charge de la photographie');
    expect(body).toContain('secteur de la photographie.Si il y a bien');
  });

  it.each(['001_07b8c9ada1f15f8e.txt', '003_786bf67c612693dc.txt'])('%s: a first line that is a paragraph is not a title', (name) => {
    const { meta, body } = parse(name);
    expect(meta.title).toBeNull();
    expect(body).toBe(readFileSync(`${SEEDS}/${name}`, 'utf8'));
  });

  it('feeds the cleaner: seed 000 ends with article text once cleaned', () => {
    const { body } = parse('000_a792ea779ded17df.txt');
    expect(cleanArticleText(body).text.endsWith('sur les smartphones du groupe Chinois.')).toBe(true);
  });
});

describe('parseArticle .txt title rule', () => {
  const title = (text: string) => parseArticle('a.txt', utf8(text)).meta.title;

  it('accepts a short line ending with ? or !', () => {
    expect(title('Xiaomi arrive-t-il en Europe ?\nLe constructeur chinois prépare son arrivée.')).toBe('Xiaomi arrive-t-il en Europe ?');
    expect(title('Quel succès !\nLes ventes explosent.')).toBe('Quel succès !');
  });

  it('rejects a line ending like a sentence or a clause (. ; , :)', () => {
    for (const end of ['.', ';', ',', ':']) expect(title(`Xiaomi signe un accord${end}\nLa suite.`)).toBeNull();
  });

  it('rejects a line over 160 characters or 25 words', () => {
    expect(title(`${'mot '.repeat(24)}fin\nSuite.`)).toBe(`${'mot '.repeat(24)}fin`); // 25 words
    expect(title(`${'a '.repeat(25)}b\nSuite.`)).toBeNull(); // 26 words
    expect(title(`${'x'.repeat(161)}\nSuite.`)).toBeNull();
    expect(title(`${'x'.repeat(160)}\nSuite.`)).toBe('x'.repeat(160));
  });

  it('needs more text after it: a one-line file has no title', () => {
    expect(title('Xiaomi signe un accord avec Microsoft')).toBeNull();
    expect(title('Xiaomi signe un accord avec Microsoft\n\n   \n')).toBeNull();
  });

  it('handles CRLF files', () => {
    const parsed = parseArticle('a.txt', utf8('Un titre court\r\nLe texte suit.\r\n'));
    expect(parsed.meta.title).toBe('Un titre court');
    expect(parsed.body).toBe('Le texte suit.\r\n');
  });
});

describe('parseArticle decoding', () => {
  const text = 'Élection à Paris\nLe président a été élu dès le premier tour, a-t-on appris.';

  it('reads UTF-8 with a BOM, without keeping the BOM', () => {
    const parsed = parseArticle('a.txt', new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(text)]));
    expect(parsed.meta.title).toBe('Élection à Paris');
    expect(parsed.warnings).toEqual([]);
  });

  it('reads UTF-16 LE and BE with a BOM', () => {
    for (const bigEndian of [false, true]) {
      const parsed = parseArticle('a.txt', utf16(text, bigEndian));
      expect(parsed.meta.title).toBe('Élection à Paris');
      expect(parsed.body).toBe('Le président a été élu dès le premier tour, a-t-on appris.');
    }
  });

  it('reads legacy Windows-1252 / Latin-1 files, with a warning', () => {
    // 0x80 € 0x92 ’ 0x9c œ 0x85 … are where Windows-1252 differs from Latin-1.
    const bytes = latin1(`${text} Coût : 5 \x80, l\x92\x9cuvre\x85`);
    const parsed = parseArticle('a.txt', bytes);
    expect(parsed.meta.title).toBe('Élection à Paris');
    expect(parsed.body).toContain('été élu dès le premier tour');
    expect(parsed.body).toContain('Coût : 5 €, l’œuvre…');
    expect(parsed.warnings).toEqual(['decoded as Windows-1252']);
  });

  it('refuses a legacy file holding bytes Windows-1252 leaves undefined', () => {
    // 0x81 and 0x9d have no character in Windows-1252: such a file is in another single-byte encoding.
    expect(articleError(() => parseArticle('a.txt', latin1(`${text} l\x81\x9d`))).reason).toEqual({ code: 'unreadable-encoding' });
  });

  it('rejects binary files', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    expect(articleError(() => parseArticle('image.txt', png)).reason).toEqual({ code: 'binary' });
    const controls = utf8(`Titre\n${'du texte \x01\x02\x03\x04 '.repeat(20)}`);
    expect(articleError(() => parseArticle('a.md', controls)).reason).toEqual({ code: 'binary' });
  });

  it('rejects bytes that are neither UTF-8 nor Western text', () => {
    // GBK-encoded Chinese: invalid UTF-8, and mostly non-ASCII when read as Windows-1252.
    const gbk = new Uint8Array([0xd0, 0xa1, 0xc3, 0xd7, 0xca, 0xd6, 0xbb, 0xfa, 0xb7, 0xa2, 0xb2, 0xbc, 0xa1, 0xa3, 0xd0, 0xa1, 0xc3, 0xd7]);
    expect(articleError(() => parseArticle('a.txt', gbk)).reason).toEqual({ code: 'unreadable-encoding' });
  });

  it('rejects an empty or blank file as no-text', () => {
    expect(articleError(() => parseArticle('a.txt', new Uint8Array())).reason).toEqual({ code: 'no-text' });
    expect(articleError(() => parseArticle('a.txt', utf8(' \n\t\r\n '))).reason).toEqual({ code: 'no-text' });
    expect(articleError(() => md('---\ntitle: Seulement un titre\n---\n\n')).reason).toEqual({ code: 'no-text' });
  });

  it('rejects files over 2 MB', () => {
    const big = new Uint8Array(2 * 1024 * 1024 + 1).fill(0x61);
    expect(articleError(() => parseArticle('big.txt', big)).reason).toEqual({ code: 'file-too-large', bytes: 2 * 1024 * 1024 + 1, limit: 2 * 1024 * 1024 });
    expect(parseArticle('ok.txt', new Uint8Array(2 * 1024 * 1024).fill(0x61)).body.length).toBe(2 * 1024 * 1024);
  });

  it('rejects other file types, naming the extension', () => {
    const error = articleError(() => parseArticle('dossier/page.html', utf8('<p>Bonjour</p>')));
    expect(error.reason).toEqual({ code: 'unsupported-type', ext: '.html' });
    expect(error.file).toBe('dossier/page.html');
    expect(error.message).toBe('dossier/page.html: unsupported-type ext=".html"');
    expect(articleError(() => parseArticle('LISEZMOI', utf8('x'))).reason).toEqual({ code: 'unsupported-type', ext: '' });
  });

  it('accepts upper-case extensions', () => {
    expect(parseArticle('A.TXT', utf8('Bonjour.')).body).toBe('Bonjour.');
    expect(parseArticle('b.Markdown', utf8('Bonjour.')).body).toBe('Bonjour.');
  });
});

describe('parseArticle Markdown front matter', () => {
  const article = `---
title: "Xiaomi rachète 1 500 brevets"
source: Le Monde
url: https://www.lemonde.fr/article.html
published: 2016-06-01
language: fr
---
Le constructeur chinois a signé un accord.
`;

  it('reads title, source, url, published and language', () => {
    const { meta, body, warnings } = md(article);
    expect(meta).toEqual({
      title: 'Xiaomi rachète 1 500 brevets',
      source: 'Le Monde',
      url: 'https://www.lemonde.fr/article.html',
      published: '2016-06-01',
      language: 'fr',
    });
    expect(body.trim()).toBe('Le constructeur chinois a signé un accord.');
    expect(warnings).toEqual([]);
  });

  it.each([
    ['2016-06-01', '2016-06-01'],
    ["'2016-06-01'", '2016-06-01'],
    ['2016-06-01T08:30:00Z', '2016-06-01'],
    ['2016-06-01T23:30:00-05:00', '2016-06-01'],
    ['2016-06-01 08:30:00', '2016-06-01'],
    ['"2016-06-01T08:30:00.123+02:00"', '2016-06-01'],
  ])('published: %s → %s', (value, expected) => {
    expect(md(`---\npublished: ${value}\n---\nTexte.`).meta.published).toBe(expected);
  });

  it.each(['01/06/2016', '1er juin 2016', '2016-13-01', '2016-02-30', '2016', 'hier'])('rejects published: %s', (value) => {
    expect(articleError(() => md(`---\npublished: ${value}\n---\nTexte.`)).reason).toMatchObject({ code: 'front-matter-date' });
  });

  it('rejects invalid YAML with the file line and the first line of the parser message', () => {
    const error = articleError(() => md('---\ntitle: "non fermé\nsource: [a\n---\nTexte.'));
    // The parser stops on the front matter's second line: the file's third.
    expect(error.reason).toEqual({ code: 'front-matter-syntax', line: 3, detail: expect.stringMatching(/^\S[^\n]*$/) });
  });

  it('rejects front matter that is not key: value pairs', () => {
    expect(articleError(() => md('---\n- un\n- deux\n---\nTexte.')).reason).toEqual({ code: 'front-matter-shape' });
    expect(articleError(() => md('---\njuste une phrase\n---\nTexte.')).reason).toEqual({ code: 'front-matter-shape' });
  });

  it('rejects fields of the wrong type', () => {
    expect(articleError(() => md('---\ntitle: [1, 2]\n---\nTexte.')).reason).toEqual({ code: 'front-matter-not-text', field: 'title', got: 'list' });
    expect(articleError(() => md('---\nsource: {a: 1}\n---\nTexte.')).reason).toEqual({ code: 'front-matter-not-text', field: 'source', got: 'mapping' });
  });

  it('accepts a numeric title as text', () => {
    expect(md('---\ntitle: 1984\n---\nTexte.').meta.title).toBe('1984');
  });

  it('rejects a url that is not http(s)', () => {
    expect(articleError(() => md('---\nurl: javascript:alert(1)\n---\nTexte.')).reason).toEqual({ code: 'front-matter-url', value: 'javascript:alert(1)' });
    expect(articleError(() => md('---\nurl: www.lemonde.fr\n---\nTexte.')).reason).toEqual({ code: 'front-matter-url', value: 'www.lemonde.fr' });
  });

  it('rejects an unclosed front matter', () => {
    expect(articleError(() => md('---\ntitle: Un titre\n\nLe texte commence ici.')).reason).toEqual({ code: 'front-matter-unclosed' });
  });

  it('warns about unknown keys and keeps going', () => {
    const { meta, warnings } = md('---\ntitle: Un titre\nauthor: Jean Dupont\ntags: [a, b]\n---\nTexte.');
    expect(meta.title).toBe('Un titre');
    expect(warnings).toEqual(['front matter: unknown key "author" ignored', 'front matter: unknown key "tags" ignored']);
  });

  it('reads the common aliases date and lang', () => {
    const { meta } = md('---\ndate: 2020-02-03\nlang: fr\n---\nTexte.');
    expect(meta.published).toBe('2020-02-03');
    expect(meta.language).toBe('fr');
  });

  it('treats empty front matter and empty values as absent', () => {
    expect(md('---\n---\nTexte.').meta).toEqual({ title: null, source: null, url: null, published: null, language: null });
    expect(md('---\ntitle:\nsource: ""\n---\nTexte.').meta.source).toBeNull();
  });

  it('does not take a later --- (a horizontal rule) for front matter', () => {
    const { meta, body } = md('Texte.\n\n---\n\nSuite.');
    expect(meta.title).toBeNull();
    expect(body).toBe('Texte.\n\n\n\nSuite.');
  });
});

describe('parseArticle Markdown body', () => {
  it('turns Markdown into quotable plain text', () => {
    const source = [
      '## Un accord stratégique',
      '',
      'Microsoft a cédé **1 500 brevets** à *Xiaomi*, selon [Les Échos](https://www.lesechos.fr/x) et __Reuters__ ou _l’AFP_.',
      '![Le logo de Xiaomi](logo.png)',
      '> « Nous sommes ravis », a déclaré Lei Jun.',
      '* Word',
      '+ Excel',
      '- Skype',
      '<!-- note de la rédaction',
      'sur deux lignes -->',
      '```',
      '**gardé tel quel**',
      '```',
      'Le fichier nom_de_fichier_v2.txt et 2 * 3 * 4 restent intacts, comme \\*ceci\\*.',
    ].join('\n');
    expect(md(source).body.split('\n').filter((l) => l !== '')).toEqual([
      'Un accord stratégique',
      'Microsoft a cédé 1 500 brevets à Xiaomi, selon Les Échos et Reuters ou l’AFP.',
      '« Nous sommes ravis », a déclaré Lei Jun.',
      '- Word',
      '- Excel',
      '- Skype',
      '**gardé tel quel**',
      'Le fichier nom_de_fichier_v2.txt et 2 * 3 * 4 restent intacts, comme *ceci*.',
    ]);
  });

  it('takes a leading "# Heading" as the title when the front matter has none', () => {
    const { meta, body } = md('\n# Xiaomi et *Microsoft*\n\nLe texte.\n\n# Autre partie\n');
    expect(meta.title).toBe('Xiaomi et Microsoft');
    expect(body.trim()).toBe('Le texte.\n\nAutre partie');
  });

  it('keeps the heading in the body when the front matter gives the title', () => {
    const { meta, body } = md('---\ntitle: Le vrai titre\n---\n# Un intertitre\nLe texte.');
    expect(meta.title).toBe('Le vrai titre');
    expect(body).toBe('Un intertitre\nLe texte.');
  });

  it('does not take a level-2 heading or a later heading as the title', () => {
    expect(md('## Sous-titre\nTexte.').meta.title).toBeNull();
    expect(md('Texte.\n# Titre tardif\nSuite.').meta.title).toBeNull();
  });
});

describe('articleIdFromPath', () => {
  it.each([
    ['000_a792ea779ded17df.txt', '000_a792ea779ded17df'],
    ['2024/Le Monde/Xiaomi Rachète 1 500 Brevets.md', 'xiaomi-rachete-1-500-brevets'],
    ['dossier\\sous-dossier\\Article--final.MD', 'article-final'],
    ['archive.2016.txt', 'archive-2016'],
    ['  (brouillon) !.txt', 'brouillon'],
    ['README', 'readme'],
  ])('%s → %s', (path, id) => {
    expect(articleIdFromPath(path)).toBe(id);
  });

  it('gives a non-empty, stable id to names without Latin letters or digits', () => {
    const id = articleIdFromPath('新闻.txt');
    expect(id).toMatch(/^[a-z0-9_-]+$/);
    expect(articleIdFromPath('新闻.txt')).toBe(id);
    expect(articleIdFromPath('其他.txt')).not.toBe(id);
  });
});
