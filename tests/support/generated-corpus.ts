/**
 * A larger French corpus made from the seed articles: each generated article is a seeded shuffle of
 * seed sentences plus one fact of its own, so that passages differ from article to article and
 * every article can be asked about.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArticle } from '../../src/core/article.ts';
import { cleanArticleText } from '../../src/core/text/clean.ts';
import { splitSentences } from '../../src/core/text/sentences.ts';
import { markdown, SEED_CORPUS } from './workspace.ts';

let pool: string[] | null = null;

/** The sentences of the seed articles (at least eight words each). */
export function seedSentences(): string[] {
  if (pool) return pool;
  const out: string[] = [];
  for (const name of readdirSync(SEED_CORPUS).sort()) {
    const { body } = parseArticle(name, readFileSync(join(SEED_CORPUS, name)));
    const { text } = cleanArticleText(body);
    for (const s of splitSentences(text)) {
      const sentence = text.slice(s.start, s.end).replace(/\s+/g, ' ').trim();
      if (sentence.split(' ').length >= 8) out.push(sentence);
    }
  }
  pool = out;
  return out;
}

function shuffle<T>(items: T[], seed: number): T[] {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const CITIES = [
  'Quimper', 'Valence', 'Besançon', 'Perpignan', 'Colmar', 'Limoges', 'Annecy', 'Bayonne', 'Troyes', 'Nîmes',
  'Vannes', 'Albi', 'Chambéry', 'Cahors', 'Dieppe', 'Auxerre', 'Épinal', 'Tarbes', 'Laval', 'Arles',
  'Saumur', 'Vichy', 'Millau', 'Sedan', 'Lorient', 'Dole', 'Menton', 'Rodez', 'Blois', 'Agen',
];

/** The fact that only article `n` states (version `v` after an edit). */
export function uniqueFact(n: number, v = 1): string {
  const city = CITIES[n % CITIES.length]!;
  return `Selon le bilan numéro ${n}, le salon de ${city} a accueilli ${1000 + 37 * n + 500 * (v - 1)} exposants venus de ${n + 3} pays.`;
}

export function factQuestion(n: number): string {
  return `Combien d'exposants le salon de ${CITIES[n % CITIES.length]} a-t-il accueilli selon le bilan numéro ${n} ?`;
}

/** Generated article `n`: 14 shuffled seed sentences in paragraphs, its own fact in the middle. */
export function generatedArticle(n: number, version = 1): string {
  const sentences = shuffle(seedSentences(), 7919 * n + 1).slice(0, 14);
  sentences.splice(7, 0, uniqueFact(n, version));
  const paragraphs: string[] = [];
  for (let i = 0; i < sentences.length; i += 3) paragraphs.push(sentences.slice(i, i + 3).join(' '));
  return markdown({ title: `Dépêche de test numéro ${n}`, source: 'Agence Test', published: `2026-01-${String((n % 28) + 1).padStart(2, '0')}` }, paragraphs.join('\n\n'));
}

export const articleName = (n: number) => `gen-${String(n).padStart(3, '0')}.md`;
