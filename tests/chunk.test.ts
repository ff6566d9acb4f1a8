import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Span } from '../src/core/types.ts';
import { chunkSentences, type ChunkOptions } from '../src/core/text/chunk.ts';
import { cleanArticleText } from '../src/core/text/clean.ts';
import { splitSentences } from '../src/core/text/sentences.ts';

/** The shared seed articles: the repository's sibling folder shared/ (as on developer machines and in CI). */
const SEEDS = fileURLToPath(new URL('../../shared/seed-articles', import.meta.url));

const words = (text: string): number => text.split(/\s+/).filter((w) => w !== '').length;
/** Like a BPE model tokenizer: about 4 characters a token, plus 2 special tokens on every call. */
const charHeavy = (text: string): number => Math.ceil(text.length / 4) + 2;
/** Joined text costs more than its sentences: each sentence boundary inside it counts one more token. */
const joinCostly = (text: string): number => words(text) + (text.match(/[.!?] /g)?.length ?? 0);

function chunk(text: string, options: Partial<ChunkOptions> & { maxTokens: number }): string[] {
  const spans = chunkSentences(text, splitSentences(text), { overlapTokens: 0, countTokens: words, ...options });
  return spans.map((s) => text.slice(s.start, s.end));
}

describe('chunkSentences packing', () => {
  const text = 'Un deux trois. Quatre cinq six. Sept huit neuf. Dix onze douze. Treize quatorze quinze.';

  it('packs whole sentences greedily up to maxTokens (counted in tokens, not characters)', () => {
    expect(chunk(text, { maxTokens: 7 })).toEqual([
      'Un deux trois. Quatre cinq six.',
      'Sept huit neuf. Dix onze douze.',
      'Treize quatorze quinze.',
    ]);
    expect(chunk(text, { maxTokens: 100 })).toEqual([text]);
  });

  it('repeats trailing sentences of the previous passage up to overlapTokens', () => {
    expect(chunk(text, { maxTokens: 9, overlapTokens: 3 })).toEqual([
      'Un deux trois. Quatre cinq six. Sept huit neuf.',
      'Sept huit neuf. Dix onze douze. Treize quatorze quinze.',
    ]);
    expect(chunk(text, { maxTokens: 9, overlapTokens: 6 })).toEqual([
      'Un deux trois. Quatre cinq six. Sept huit neuf.',
      'Quatre cinq six. Sept huit neuf. Dix onze douze.',
      'Sept huit neuf. Dix onze douze. Treize quatorze quinze.',
    ]);
  });

  it('overlaps by whole sentences only: a sentence larger than overlapTokens is not repeated', () => {
    expect(chunk(text, { maxTokens: 6, overlapTokens: 2 })).toEqual([
      'Un deux trois. Quatre cinq six.',
      'Sept huit neuf. Dix onze douze.',
      'Treize quatorze quinze.',
    ]);
  });

  it('gives up overlap rather than repeat a passage when the next sentence does not fit after it', () => {
    const t = 'Un deux trois quatre. Cinq six. Sept huit neuf dix onze douze.';
    expect(chunk(t, { maxTokens: 6, overlapTokens: 2 })).toEqual(['Un deux trois quatre. Cinq six.', 'Sept huit neuf dix onze douze.']);
  });

  it('re-checks the assembled passage: joined text that costs more than its sentences drops the last one', () => {
    const passages = chunk(text, { maxTokens: 6, countTokens: joinCostly });
    for (const p of passages) expect(joinCostly(p)).toBeLessThanOrEqual(6);
    expect(passages[0]).toBe('Un deux trois.');
  });

  it('fills passages to the real limit when per-sentence counts overestimate (special tokens)', () => {
    // Each sentence alone costs 6 tokens (15 characters → 4, plus 2 specials): 3 × 6 > 14, yet the three
    // sentences joined cost exactly 14.
    const t = 'Aaaa bbbb cccc. Dddd eeee ffff. Gggg hhhh iiii. Jjjj kkkk llll.';
    const passages = chunk(t, { maxTokens: 14, countTokens: charHeavy });
    for (const p of passages) expect(charHeavy(p)).toBeLessThanOrEqual(14);
    expect(passages[0]).toBe('Aaaa bbbb cccc. Dddd eeee ffff. Gggg hhhh iiii.');
  });

  it('gives a tiny last passage the context of the previous sentences', () => {
    const t = 'Un deux trois quatre cinq. Six sept huit neuf dix. Fin.';
    expect(chunk(t, { maxTokens: 10 })).toEqual(['Un deux trois quatre cinq. Six sept huit neuf dix.', 'Six sept huit neuf dix. Fin.']);
  });

  it('returns nothing for no sentences, and ignores blank spans', () => {
    expect(chunkSentences('', [], { maxTokens: 10, overlapTokens: 0, countTokens: words })).toEqual([]);
    expect(chunkSentences('a   b', [{ start: 1, end: 4 }], { maxTokens: 10, overlapTokens: 0, countTokens: words })).toEqual([]);
  });

  it('rejects a maxTokens that cannot hold anything', () => {
    expect(() => chunk(text, { maxTokens: 0 })).toThrow(RangeError);
  });
});

describe('chunkSentences long sentences', () => {
  const long =
    'Le groupe chinois, qui a fait une entrée fracassante à la Bourse de New York mi-septembre, cherche à accélérer la diversification de ses activités et sa base d’usagers.';

  it('cuts a sentence longer than maxTokens at word boundaries', () => {
    const passages = chunk(long, { maxTokens: 12 });
    expect(passages.length).toBe(3);
    for (const p of passages) expect(words(p)).toBeLessThanOrEqual(12);
    expect(passages.join(' ')).toBe(long);
  });

  it('cuts after a comma rather than at the last word that fits', () => {
    expect(chunk(long, { maxTokens: 18 })).toEqual([
      'Le groupe chinois, qui a fait une entrée fracassante à la Bourse de New York mi-septembre,',
      'cherche à accélérer la diversification de ses activités et sa base d’usagers.',
    ]);
  });

  it('prefers to cut before an opening «', () => {
    const long = 'Le patron a déclaré hier soir devant les actionnaires réunis à Pékin « nous irons en Europe avant la fin de l’année »';
    const passages = chunk(long, { maxTokens: 16 });
    expect(passages[0]).toBe('Le patron a déclaré hier soir devant les actionnaires réunis à Pékin');
    expect(passages[1]?.startsWith('« nous irons')).toBe(true);
  });

  it('cuts inside a word that alone is over the limit (a huge URL with a character-heavy tokenizer)', () => {
    const url = `https://exemple.fr/${'x'.repeat(200)}`;
    const t = `Source : ${url} consultée hier.`;
    const options = { maxTokens: 20, overlapTokens: 0, countTokens: charHeavy };
    checkProperties(t, splitSentences(t), options);
    const passages = chunk(t, options);
    expect(passages[0]).toBe('Source :');
    expect(passages.length).toBeGreaterThanOrEqual(4);
  });
});

/** Deterministic pseudo-random numbers (mulberry32), so failures can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomText(rand: () => number): string {
  const vocab = ['le', 'groupe', 'chinois', 'Xiaomi,', 'a', 'signé', 'un', 'accord', '«', 'brevets', '»', '1 500', 'avec', 'Microsoft;', 'smartphones:'];
  const paragraphs: string[] = [];
  for (let p = 0; p < 1 + Math.floor(rand() * 4); p++) {
    const sentences: string[] = [];
    for (let s = 0; s < 1 + Math.floor(rand() * 8); s++) {
      const n = 1 + Math.floor(rand() * (rand() < 0.1 ? 80 : 20));
      const ws = Array.from({ length: n }, () => vocab[Math.floor(rand() * vocab.length)]);
      sentences.push(`Phrase ${ws.join(' ')}.`);
    }
    paragraphs.push(sentences.join(rand() < 0.5 ? ' ' : '  '));
  }
  return paragraphs.join('\n\n');
}

function checkProperties(text: string, sentences: Span[], options: ChunkOptions): void {
  const passages = chunkSentences(text, sentences, options);
  for (const [i, p] of passages.entries()) {
    const slice = text.slice(p.start, p.end);
    expect(options.countTokens(slice)).toBeLessThanOrEqual(options.maxTokens);
    expect(slice).toBe(slice.trim());
    const prev = passages[i - 1];
    if (prev) {
      expect(p.start).toBeGreaterThan(prev.start); // in order…
      expect(p.end).toBeGreaterThan(prev.end); // …and never inside the previous passage
    }
  }
  for (const s of sentences) {
    for (let c = s.start; c < s.end; c++) {
      if (/\s/.test(text[c] ?? '')) continue;
      expect(passages.some((p) => p.start <= c && c < p.end), `character ${c} of sentence at ${s.start}`).toBe(true);
    }
  }
}

describe('chunkSentences properties', () => {
  const tokenizers = { words, charHeavy, joinCostly };
  for (const [name, countTokens] of Object.entries(tokenizers)) {
    it(`random texts, ${name} tokenizer: passages fit, are ordered, and cover every sentence`, () => {
      const rand = random(name.length * 7919);
      for (let run = 0; run < 60; run++) {
        const text = randomText(rand);
        const maxTokens = 8 + Math.floor(rand() * 60);
        const overlapTokens = rand() < 0.3 ? 0 : Math.floor(rand() * maxTokens * 0.5);
        checkProperties(text, splitSentences(text), { maxTokens, overlapTokens, countTokens });
      }
    });
  }

  it('real seed articles with a character-heavy tokenizer', () => {
    const files = readdirSync(SEEDS);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const text = cleanArticleText(readFileSync(`${SEEDS}/${file}`, 'utf8')).text;
      for (const maxTokens of [16, 64, 128]) {
        checkProperties(text, splitSentences(text), { maxTokens, overlapTokens: Math.floor(maxTokens / 4), countTokens: charHeavy });
      }
    }
  });
});
