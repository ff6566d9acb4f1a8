import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cleanArticleText } from '../src/core/text/clean.ts';
import { splitSentences } from '../src/core/text/sentences.ts';

/** The shared seed articles: the repository's sibling folder shared/ (as on developer machines and in CI). */
const SEEDS = fileURLToPath(new URL('../../shared/seed-articles', import.meta.url));

const sentences = (text: string): string[] => splitSentences(text).map((s) => text.slice(s.start, s.end));

describe('splitSentences boundaries', () => {
  it('splits after . ! ? … before a capital, a digit, an opening quote or a dash', () => {
    expect(sentences('Il pleut. Il vente ! Vraiment ? Oui… 2015 fut dure. « Non », dit-il. — Fin.')).toEqual([
      'Il pleut.',
      'Il vente !',
      'Vraiment ?',
      'Oui…',
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
