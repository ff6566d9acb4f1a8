import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cleanArticleText } from '../src/core/text/clean.ts';

/** The shared seed articles: the repository's sibling folder shared/ (as on developer machines and in CI). */
const SEEDS = fileURLToPath(new URL('../../shared/seed-articles', import.meta.url));

const seed = (name: string): string => readFileSync(`${SEEDS}/${name}`, 'utf8');

/** Every line of the cleaned text must be a line of the input, unchanged apart from trailing spaces. */
function expectLinesVerbatim(raw: string, cleaned: string): void {
  expect(cleaned.trim()).not.toBe('');
  const inputLines = new Set(raw.replace(/\r\n?/g, '\n').split('\n').map((l) => l.trimEnd()));
  for (const line of cleaned.split('\n')) {
    if (line !== '') expect(inputLines.has(line) || inputLines.has(`\uFEFF${line}`), line).toBe(true);
  }
}

describe('cleanArticleText on the seed articles', () => {
  it('000: drops the comment form, keeps every article paragraph verbatim', () => {
    const raw = seed('000_a792ea779ded17df.txt');
    const { text, removed } = cleanArticleText(raw);
    expect(removed).toEqual(['LAISSER UN COMMENTAIRE', 'Please enter your comment!', 'Please enter your name here']);
    expect(text).not.toMatch(/commentaire|Please enter/i);
    expect(text.endsWith('OneDrive sera également pré-installé sur les smartphones du groupe Chinois.')).toBe(true);
    expect(text).toContain('Microsoft vient de vendre 1 500 brevets au chinois Xiaomi');
    expect(text).toContain('\nXiaomi Rednote 3\n');
    expectLinesVerbatim(raw, text);
  });

  it('001: an article without boilerplate is left as it is', () => {
    const raw = seed('001_07b8c9ada1f15f8e.txt');
    const { text, removed } = cleanArticleText(raw);
    expect(removed).toEqual([]);
    expect(text).toBe(raw.split('\n').map((l) => l.trimEnd()).join('\n').trim());
  });

  it('002: glued paragraphs and the "La force de Xiaomi ?" line survive', () => {
    const raw = seed('002_b47782d4bcdb19f1.txt');
    const { text, removed } = cleanArticleText(raw);
    expect(removed).toEqual([]);
    expect(text).toContain('photographie.Si il y a bien');
    expect(text).toContain('La force de Xiaomi ?');
    expect(text.endsWith('gratter des parts de marché !')).toBe(true);
  });

  it('003: drops the "A lire aussi" block and the 01net footer, keeps the section heading', () => {
    const raw = seed('003_786bf67c612693dc.txt');
    const { text, removed } = cleanArticleText(raw);
    expect(removed).toEqual([
      'A lire aussi :',
      'Le cybermarchand chinois Alibaba teste à son tour la livraison par drones 04/02/2015',
      '🔴 Pour ne manquer aucune actualité de 01net, suivez-nous sur Google Actualités et WhatsApp.',
    ]);
    expect(text).toContain('\nAlibaba veut exister face à Android\n');
    expect(text).toContain('« Alibaba fournira à Meizu');
    expect(text.endsWith('technologies de codes QR à destination des smartphones.')).toBe(true);
    expectLinesVerbatim(raw, text);
  });
});

describe('cleanArticleText normalisation', () => {
  it('normalises line endings, strips a BOM and trailing spaces, collapses blank runs, trims', () => {
    const { text } = cleanArticleText('\uFEFF\r\n  Titre  \r\n\r\n\r\n\r\nPremier paragraphe.   \rSecond.\t\n\n');
    expect(text).toBe('Titre\n\nPremier paragraphe.\nSecond.');
  });

  it('keeps inner spacing (no-break spaces, double spaces) exactly', () => {
    const line = 'Il\u00a0souhaite  désormais « se développer » à 4,6\u202f%.';
    expect(cleanArticleText(line).text).toBe(line);
  });
});

describe('cleanArticleText boilerplate', () => {
  const body = 'Le groupe a publié ses résultats trimestriels, en hausse de 12 % sur un an.';

  it.each([
    'Laisser un commentaire',
    'Commentaires',
    '3 commentaires',
    'Votre adresse e-mail ne sera pas publiée. Les champs obligatoires sont indiqués avec *',
    'Please enter your name here',
    'You have entered an incorrect email address!',
    'Abonnez-vous à notre newsletter',
    'Partager sur Facebook',
    'Partager sur X',
    'Partager cet article',
    'Cliquez pour partager sur Twitter(ouvre dans une nouvelle fenêtre)',
    'Suivez-nous sur Twitter et Facebook',
    'Pour ne manquer aucune actualité du Monde, abonnez-vous.',
    'Ce site utilise des cookies pour améliorer votre expérience. En poursuivant votre navigation, vous acceptez leur utilisation.',
    'Lire aussi : Xiaomi lance son nouveau smartphone',
    'Lire aussi | Le marché des smartphones recule en Europe',
  ])('drops "%s"', (line) => {
    const { text, removed } = cleanArticleText(`${body}\n${line}\n${body}`);
    expect(removed).toEqual([line]);
    expect(text).toBe(`${body}\n${body}`);
  });

  it('drops a "Sur le même sujet" block up to the blank line that ends it', () => {
    const raw = [
      body,
      '',
      'Sur le même sujet',
      '',
      'Xiaomi ouvre sa première boutique en France',
      'Huawei et Oppo à la conquête de l’Europe',
      '',
      'Le directeur financier a commenté ces chiffres lors d’une conférence téléphonique avec des analystes.',
    ].join('\n');
    const { text, removed } = cleanArticleText(raw);
    expect(removed).toEqual(['Sur le même sujet', 'Xiaomi ouvre sa première boutique en France', 'Huawei et Oppo à la conquête de l’Europe']);
    expect(text).toBe(`${body}\n\nLe directeur financier a commenté ces chiffres lors d’une conférence téléphonique avec des analystes.`);
  });

  it('keeps a section heading that directly follows the link of an "À lire aussi" block', () => {
    const raw = [
      body,
      'À lire aussi',
      'Samsung présente ses résultats 12/03/2016',
      'Un marché en pleine mutation',
      'Les ventes de smartphones ont reculé de 3 % au premier trimestre selon le cabinet IDC, une première.',
    ].join('\n');
    const { text, removed } = cleanArticleText(raw);
    expect(removed).toEqual(['À lire aussi', 'Samsung présente ses résultats 12/03/2016']);
    expect(text).toContain('\nUn marché en pleine mutation\nLes ventes');
  });

  it('never drops article prose that merely mentions comments, cookies, newsletters or sharing', () => {
    const prose = [
      'Les commentaires du ministre ont été vivement critiqués par l’opposition, qui réclame des explications.',
      'La CNIL a infligé une amende à Google pour avoir déposé des cookies sans le consentement des internautes.',
      'Voir aussi loin que possible : c’est l’ambition affichée par le télescope, lancé mardi depuis Kourou.',
      'Partager des données de santé reste délicat, rappelle l’autorité dans son avis publié jeudi.',
      `Le fondateur a longuement expliqué sa stratégie. ${'Il a détaillé chaque étape du plan, ligne par ligne. '.repeat(5)}Suivez-nous sur ce chemin, a-t-il lancé.`,
    ].join('\n');
    const { text, removed } = cleanArticleText(prose);
    expect(removed).toEqual([]);
    expect(text).toBe(prose.trim());
  });

  it('keeps the first real paragraph after a related-articles heading when no link follows', () => {
    const para = 'Le constructeur chinois a confirmé l’information dans un communiqué publié lundi soir.';
    const { text, removed } = cleanArticleText(`Voir aussi :\n${para}`);
    expect(removed).toEqual(['Voir aussi :']);
    expect(text).toBe(para);
  });
});
