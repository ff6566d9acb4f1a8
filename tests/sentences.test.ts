import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cleanArticleText } from '../src/core/text/clean.ts';
import { isHeading, sentencesAround, splitSentences } from '../src/core/text/sentences.ts';

/** The shared seed articles: the repository's sibling folder shared/ (as on developer machines and in CI). */
const SEEDS = fileURLToPath(new URL('../../shared/seed-articles', import.meta.url));

const sentences = (text: string): string[] => splitSentences(text).map((s) => text.slice(s.start, s.end));

describe('splitSentences boundaries', () => {
  it('splits after . ! ? … before a capital, a digit, an opening quote or a dash', () => {
    expect(sentences('Il pleut. Il vente ! Vraiment ? Oui… Enfin. 2015 fut dure. « Non », dit-il. — Fin.')).toEqual([
      'Il pleut.',
      'Il vente !',
      'Vraiment ?',
      'Oui…',
      'Enfin.',
      '2015 fut dure.',
      '« Non », dit-il.',
      '— Fin.',
    ]);
  });

  it('does not split before a lowercase word', () => {
    expect(sentences('Et puis… rien. Enfin presque.')).toEqual(['Et puis… rien.', 'Enfin presque.']);
  });

  it('keeps closing quotes and brackets with the sentence they end', () => {
    expect(sentences('Il a dit « c’est fini. » Puis il est parti.')).toEqual(['Il a dit « c’est fini. »', 'Puis il est parti.']);
    expect(sentences('Il a dit "c\'est fini." Puis il est parti.')).toEqual(['Il a dit "c\'est fini."', 'Puis il est parti.']);
    expect(sentences('(Voir plus bas.) Ensuite, on verra.')).toEqual(['(Voir plus bas.)', 'Ensuite, on verra.']);
  });

  it('ends a sentence at every newline (headings and captions stand alone)', () => {
    expect(sentences('Xiaomi Rednote 3\nUne part de marché mondiale de 4,6% fin 2015\n\nTexte.')).toEqual([
      'Xiaomi Rednote 3',
      'Une part de marché mondiale de 4,6% fin 2015',
      'Texte.',
    ]);
  });

  it('returns no span for empty or blank text', () => {
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences(' \n\t\n ')).toEqual([]);
  });
});

describe('splitSentences does not split', () => {
  it.each([
    'M. Dupont et Mme Durand sont arrivés.',
    'MM. Dupont et Durand ont signé.',
    'Selon Mme. Martin, tout va bien.',
    'Mlle Martin a rencontré le Dr. Watson et le Pr. Tournesol.',
    'Il habite rue St. Jacques, selon Ste. Marie.',
    'Des pommes, des poires, etc. Et des fruits rouges.',
    'Voir la page précédente (cf. Annexe 2).',
    'Les Gaulois, vers 50 av. J.-C. Les Romains arrivent ensuite.',
    'Il est né en 1492 apr. J.-C. Dans une ville italienne.',
    'Publié dans le vol. 3 de la revue.',
    'Voir p. 12 et suivantes.',
    'Selon le n°. 5 du magazine.',
    'Une réunion le 3 janv. Lundi prochain.',
    'Mr. Smith met Mrs. Jones at Acme Inc. Today.',
    'Acme Corp. Ltd. Fabrique des pièces.',
    'Un match Real vs. Barça ce soir.',
    'Le marché U.S. Reste dynamique.',
    'Le livre de J. K. Rowling est sorti.',
    'La part de marché était de 4,6 % seulement.',
    'Le taux est passé à 3.5 points.',
    'Microsoft détiendrait 60 000 brevets, dont 1 500 cédés.',
    '« Alibaba fournira à Meizu des ressources. Cela aide ses smartphones », explique un communiqué.',
    '« Quelle chance ! » s’exclame-t-il en riant.',
    'Rendez-vous sur actu.orange.fr pour lire la suite.',
    'Le site 01net.com l’a révélé en premier.',
    'Écrivez à contact@exemple.Fr pour en savoir plus.',
    'Consultez https://www.exemple.fr/article.Html dès maintenant.',
  ])('%s', (text) => {
    expect(sentences(text)).toEqual([text]);
  });

  it('still splits after words that are only abbreviations before a number', () => {
    expect(sentences('Il a été victime d’un vol. La police enquête.')).toEqual(['Il a été victime d’un vol.', 'La police enquête.']);
  });

  it('still splits after an ordinary word ending like an abbreviation, e.g. "sept."', () => {
    expect(sentences('Ils étaient sept. Le lendemain, huit.')).toEqual(['Ils étaient sept.', 'Le lendemain, huit.']);
  });
});

describe('splitSentences glued sentences (real seed data)', () => {
  it('splits "photographie.Si il y a" and "point.Une section"', () => {
    expect(sentences('retard sur le secteur de la photographie.Si il y a bien un constructeur')).toEqual([
      'retard sur le secteur de la photographie.',
      'Si il y a bien un constructeur',
    ]);
    expect(sentences('pour améliorer ce point.Une section dédiée à la photographie')).toEqual([
      'pour améliorer ce point.',
      'Une section dédiée à la photographie',
    ]);
  });

  it('splits "évidemment !Pour le moment" (French space before !)', () => {
    expect(sentences('bien évidemment !Pour le moment, Xiaomi se contente')).toEqual(['bien évidemment !', 'Pour le moment, Xiaomi se contente']);
    expect(sentences('Vraiment\u202f?Oui.')).toEqual(['Vraiment\u202f?', 'Oui.']);
  });

  it('does not split glued initials, all-capitals or a lowercase continuation', () => {
    expect(sentences('Signé M.Dupont hier.')).toEqual(['Signé M.Dupont hier.']);
    expect(sentences('Le format MP3.Zip est rare.')).toEqual(['Le format MP3.Zip est rare.']);
    expect(sentences('Le fichier rapport.pdf est joint.')).toEqual(['Le fichier rapport.pdf est joint.']);
  });

  it('splits the seed 002 paragraph into its real sentences', () => {
    const text = cleanArticleText(readFileSync(`${SEEDS}/002_b47782d4bcdb19f1.txt`, 'utf8')).text;
    const got = sentences(text);
    expect(got).toContain('Le géant chinois veut rattraper son retard sur le secteur de la photographie.');
    expect(got).toContain('La force de Xiaomi ?');
    expect(got).toContain('Pour pallier à cela, le chinois voudrait créer une division pour améliorer ce point.');
    expect(got).toContain('Une firme déjà leader dans le secteurs des capteurs bien devant Samsung, par exemple.');
    expect(got).toContain('On ne peut que saluer l’effort de Xiaomi pour tenter de se faire une place dans un secteur très concurrentiel.');
  });

  it('keeps the seed 003 quotes whole', () => {
    const text = cleanArticleText(readFileSync(`${SEEDS}/003_786bf67c612693dc.txt`, 'utf8')).text;
    const got = sentences(text);
    expect(got).toContain(
      '« Alibaba fournira à Meizu ressources et soutien dans les domaines du commerce électronique, de l’internet mobile et de l’analyse de données afin de développer l’écosystème de ses smartphones », explique un communiqué commun.',
    );
    expect(got.some((s) => s.startsWith('L’opération permettra') && s.includes('Meizu Technology Corp., lequel'))).toBe(true);
  });
});

describe('splitSentences properties', () => {
  const seedTexts = readdirSync(SEEDS).map((f) => readFileSync(`${SEEDS}/${f}`, 'utf8'));
  const crafted = [
    '  Début.  Suite !\n\n  « Citation. » Fin…  ',
    'A. B. C. D.\nM. Mme. etc.\n...!?',
    'x.Y z.Ab «a» "b" (c.) [d…] 1 500. 2,5. U.S.A. J.-C.',
    '\u00a0Texte\u00a0avec\u202fespaces\u00a0insécables.\u00a0Suite.',
  ];

  it.each([...seedTexts, ...crafted].map((t, i) => [i, t] as const))(
    'text %i: spans are ordered, trimmed, and cover all non-whitespace',
    (_, text) => {
      const spans = splitSentences(text);
      const covered = new Array<boolean>(text.length).fill(false);
      let previousEnd = 0;
      for (const { start, end } of spans) {
        expect(start).toBeGreaterThanOrEqual(previousEnd);
        expect(end).toBeGreaterThan(start);
        const slice = text.slice(start, end);
        expect(slice).toBe(slice.trim());
        for (let i = start; i < end; i++) covered[i] = true;
        previousEnd = end;
      }
      for (let i = 0; i < text.length; i++) {
        if (!/\s/.test(text[i] ?? '')) expect(covered[i], `character ${i} (${text[i]})`).toBe(true);
      }
    },
  );

  it('never puts a newline inside a sentence', () => {
    expect(seedTexts.length).toBeGreaterThan(0);
    for (const text of seedTexts) {
      const all = sentences(text);
      expect(all.length).toBeGreaterThan(1);
      for (const s of all) expect(s).not.toContain('\n');
    }
  });
});

/** Real text of corpus/001 (a machine-translated page whose headings lost their line breaks). */
const CORPUS_001 = readFileSync(fileURLToPath(new URL('../corpus/001_07b8c9ada1f15f8e.md', import.meta.url)), 'utf8');

describe('quotes that stand alone', () => {
  it('ends a heading where the glued sentence starts, with or without a space (corpus/001)', () => {
    const all = sentences(CORPUS_001);
    expect(all).toContain('Applications Microsoft');
    expect(all.some((s) => s.startsWith('À compter de septembre, nous pouvons donc considérer cette date'))).toBe(true);
    expect(all).toContain('Plus précisément, l\'entreprise a atteint un accord de brevet avec Microsoft.');
    expect(all.some((s) => s.startsWith('Il reste à voir si ces brevets Microsoft contribueront'))).toBe(true);
    expect(all.some((s) => s.startsWith("L'accord stipule que les deux entreprises partageront"))).toBe(true);
    expect(all.some((s) => s.startsWith('Elle a pris du retard sur le marché'))).toBe(true);
    for (const s of all) expect(s, s).not.toMatch(/^(Applications Microsoft À|États-Unis et EuropePlus|Transfert et licences réciproquesXiaomi)/);
  });

  it('keeps a suspension before a figure inside the sentence (corpus/001 "au total… 2.500")', () => {
    const all = sentences(CORPUS_001);
    const quote = all.find((s) => s.includes('2.500 technologies'));
    expect(quote).toMatch(/^Xiaomi acquiert environ 1 500 brevets .* dépassant au total… 2\.500 technologies .* brevets de Xiaomi\.$/);
  });

  it('does not cut names that hold capitalised small words, or brands with inner capitals', () => {
    const text = "Selon Le Monde, La Poste ferme. Marine Le Pen a parlé à l'iPhone de OnePlus sur YouTube. À Paris, il pleut. Le Havre gagne.";
    expect(sentences(text)).toEqual([
      'Selon Le Monde, La Poste ferme.',
      "Marine Le Pen a parlé à l'iPhone de OnePlus sur YouTube.",
      'À Paris, il pleut.',
      'Le Havre gagne.',
    ]);
  });

  it('tells a heading line from a sentence', () => {
    const all = sentences(CORPUS_001);
    for (const h of ['Applications Microsoft', 'Accord de brevet avec Microsoft', 'États-Unis et Europe', '- Expérience logicielle']) {
      expect(all).toContain(h);
      expect(isHeading(h), h).toBe(true);
    }
    for (const s of all.filter((x) => /[.!?]$/.test(x))) expect(isHeading(s), s).toBe(false);
    // A long line without final punctuation still says something (a list item).
    expect(isHeading('- The UK must stay in the EU to have influence on the world stage')).toBe(false);
  });

  it('gives whole sentences around a passage that starts mid-sentence', () => {
    const text = CORPUS_001;
    const at = text.indexOf('2.500 technologies');
    const around = sentencesAround(text, at, at + 40).map((s) => text.slice(s.start, s.end));
    expect(around).toHaveLength(1);
    expect(around[0]).toMatch(/^Xiaomi acquiert environ 1 500 brevets/);
    const mid = text.indexOf('nous pouvons donc considérer');
    const two = sentencesAround(text, mid, text.indexOf('Pour accéder au circuit') + 5).map((s) => text.slice(s.start, s.end));
    expect(two[0]).toMatch(/^À compter de septembre/);
    expect(two[1]).toMatch(/^Pour accéder au circuit/);
  });
});

describe('English news pages (tests/fixtures/real-pages)', () => {
  it('keeps "Mr." and initials inside the sentence and splits straight-quoted speech at its sentences (nytimes-1, bbc-1)', () => {
    // Sentences as the pages write them (the stored text of nytimes-1 and bbc-1).
    const nyt =
      'In retaliation, Mr. Clinton ordered a cruise missile strike against a pharmaceutical factory in Khartoum. Since then, American-Sudanese relations have steadily soured. ' +
      'Obama administration officials said that they had briefed President-elect Donald J. Trump’s transition team, but that they did not know if Mr. Trump would stick with a policy of warmer relations with Sudan.';
    expect(sentences(nyt)).toEqual([
      'In retaliation, Mr. Clinton ordered a cruise missile strike against a pharmaceutical factory in Khartoum.',
      'Since then, American-Sudanese relations have steadily soured.',
      'Obama administration officials said that they had briefed President-elect Donald J. Trump’s transition team, but that they did not know if Mr. Trump would stick with a policy of warmer relations with Sudan.',
    ]);
    const bbc =
      '"If you look at the number of Americans killed since 9/11 by terrorism, it\'s less than 100. If you look at the number that have been killed by gun violence, it\'s in the tens of thousands," Mr Obama said.';
    expect(sentences(bbc)).toEqual([
      '"If you look at the number of Americans killed since 9/11 by terrorism, it\'s less than 100.',
      'If you look at the number that have been killed by gun violence, it\'s in the tens of thousands," Mr Obama said.',
    ]);
  });
});
