import { describe, expect, it } from 'vitest';
import { analyze, analyzeQuestion, isStopWord } from '../src/core/text/analyze.ts';
import { looksEnglish } from '../src/core/text/english.ts';

const shared = (a: string, b: string): string[] => {
  const right = new Set(analyze(b));
  return [...new Set(analyze(a))].filter((t) => right.has(t));
};

describe('analyze: matching a question to an article', () => {
  it('"L\'accord de Microsoft" and "accords microsoft" share their terms', () => {
    expect(analyze("L'accord de Microsoft")).toEqual(analyze('accords microsoft'));
    expect(analyze('L’accord de Microsoft')).toEqual(['accord', 'microsoft']);
  });

  it('singular and plural share a stem ("brevets" / "brevet")', () => {
    expect(analyze('brevets')).toEqual(analyze('brevet'));
  });

  it('accents and case do not matter ("Développé" / "developpe")', () => {
    expect(analyze('Développé')).toEqual(analyze('developpe'));
    expect(analyze('Développé')[0]).toMatch(/^[a-z]+$/);
  });

  it('joins numbers written with spaces: "1 500" and "60 000" match "1500" and "60000"', () => {
    expect(analyze('1 500 brevets')).toContain('1500');
    expect(analyze('60\u00a0000 brevets')).toEqual(analyze('60000 brevet'));
    expect(analyze('1\u202f000\u202f000 euros')).toContain('1000000');
  });

  it('does not glue numbers that are not digit groups', () => {
    expect(analyze('en 2015 500 salariés')).toEqual(expect.arrayContaining(['2015', '500']));
    expect(analyze('4,6 %')).toEqual(['4', '6']);
  });

  it('does not stem names with digits: the "Mi 4s" is not the "Mi 4"', () => {
    expect(analyze('le Mi 5 et le Mi 4s')).toEqual(['mi', '5', 'mi', '4s']);
    expect(analyze('Airbus A320s')).toContain('a320s');
  });

  it('drops stop words, including question words', () => {
    expect(analyze('le la les de des du et à au aux il elle ils sont est été')).toEqual([]);
    expect(analyze('Quel est le nombre ? Combien, comment, pourquoi, où, quand, qui, que, quoi ?')).toEqual(analyze('nombre'));
  });

  it('keeps only the content of "Combien de brevets Xiaomi a-t-il rachetés ?"', () => {
    const terms = analyze('Combien de brevets Xiaomi a-t-il rachetés ?');
    expect(terms).toEqual([analyze('brevet')[0], analyze('xiaomi')[0], analyze('racheter')[0]]);
    expect(terms[2]).toMatch(/^rachet/);
  });

  it('drops the verbs that only carry tense or mood ("va créer", "doit ouvrir", "devait coûter")', () => {
    // An article writes "créera" or "ouvrira": the auxiliary would be the question's rarest, heaviest word.
    expect(analyze('Combien d’emplois l’usine va-t-elle créer ?')).toEqual(analyze('emplois usine créer'));
    expect(analyze('Quand le tramway doit-il ouvrir ?')).toEqual(analyze('tramway ouvrir'));
    expect(analyze('Le tram devait coûter combien ? Il pourrait, il faut, ils vont')).toEqual(analyze('tram coûter'));
    expect(analyze('How much will the bridge cost? It could have')).toEqual(analyze('bridge cost'));
    // Their content homographs are not touched.
    expect(analyze('le devoir, le pouvoir, une allée')).toHaveLength(3);
  });

  it('finds the answer sentence of the seed article for that question', () => {
    const sentence = 'le chinois Xiaomi a signé un partenariat avec Microsoft, en rachetant 1 500 brevets à la firme de Redmond.';
    expect(shared('Combien de brevets Xiaomi a-t-il rachetés ?', sentence).sort()).toEqual(['brevet', 'rachet', 'xiaom']);
  });

  it('strips elisions, including jusqu\' lorsqu\' puisqu\' quoiqu\'', () => {
    expect(analyze("jusqu'à lorsqu'il puisqu'elle quoiqu'on d'Alibaba l'écosystème qu'Apple")).toEqual(
      analyze('Alibaba écosystème Apple'),
    );
    expect(analyze('d’Alibaba')).toEqual(analyze('Alibaba'));
  });

  it('keeps duplicates, in order (BM25 counts them)', () => {
    expect(analyze('Xiaomi, Microsoft et encore Xiaomi')).toEqual(['xiaom', 'microsoft', 'encor', 'xiaom']);
  });

  it('lets English through lowercased, without its stop words', () => {
    const terms = analyze('How many patents did Xiaomi buy from Microsoft?');
    expect(terms).toContain('microsoft');
    expect(terms.some((t) => t.startsWith('patent'))).toBe(true);
    expect(terms).not.toContain('how');
    expect(terms).not.toContain('from');
    expect(terms.every((t) => t === t.toLowerCase())).toBe(true);
  });

  it('treats questions typed without accents like accented text ("ou", "meme", "etait")', () => {
    expect(analyze('ou meme etait')).toEqual([]);
    expect(analyze('Etats-Unis')).toEqual(analyze('États-Unis'));
  });

  it('gives the same terms for NFC and NFD input', () => {
    expect(analyze('e\u0301conomie')).toEqual(analyze('économie'));
  });

  it('returns nothing for text with no words', () => {
    expect(analyze('')).toEqual([]);
    expect(analyze(' — « » … !? ')).toEqual([]);
  });

  it('produces terms without spaces (they are stored space-joined)', () => {
    const terms = analyze('Le 9 février, 1 500 brevets ont été cédés à 60 000 $ pièce.');
    expect(terms).toContain('1500');
    for (const t of terms) expect(t).not.toMatch(/\s/);
  });
});

describe('isStopWord', () => {
  it('knows French, question and English stop words, whatever the case', () => {
    for (const w of ['de', 'Le', 'été', 'combien', 'Pourquoi', 'où', 'the', 'Which']) expect(isStopWord(w), w).toBe(true);
  });

  it('does not flag content words', () => {
    for (const w of ['brevet', 'Xiaomi', 'accord', 'smartphone', 'patent']) expect(isStopWord(w), w).toBe(false);
  });
});

describe('analyzeQuestion: English questions about French articles', () => {
  /** Terms the question shares with a sentence of the seed articles (corpus/000 and 003). */
  const sharedWith = (question: string, sentence: string): string[] => {
    const right = new Set(analyze(sentence));
    return [...new Set(analyzeQuestion(question))].filter((t) => right.has(t));
  };

  it('tells English questions from French ones', () => {
    for (const q of ['How many patents did Xiaomi buy from Microsoft?', 'When was Meizu founded?', 'What share of SNCF drivers were on strike?']) {
      expect(looksEnglish(q), q).toBe(true);
    }
    for (const q of ['Combien de brevets Microsoft a-t-il vendus à Xiaomi ?', 'Quand Meizu a-t-il été fondé ?', 'Que fait Apple ?', 'Microsoft Xiaomi']) {
      expect(looksEnglish(q), q).toBe(false);
    }
  });

  it('matches the French words of the article that answers', () => {
    expect(
      sharedWith('How many patents did Xiaomi buy from Microsoft?', 'le chinois Xiaomi a signé un partenariat avec Microsoft, en rachetant 1 500 brevets à la firme de Redmond.'),
    ).toEqual(['brevet', 'xiaom', 'rachet', 'microsoft']);
    expect(sharedWith('How much did Alibaba invest in Meizu?', 'Il a dévoilé ce lundi 9 février un investissement de 590 millions de dollars (521 millions d’euros) dans son compatriote Meizu Technology')).toEqual(
      ['invest', 'meizu'],
    );
    expect(sharedWith("What was Xiaomi's global market share at the end of 2015?", 'Une part de marché mondiale de 4,6% fin 2015')).toEqual([
      'mondial', 'march', 'part', 'fin', '2015',
    ]);
  });

  it('keeps the English words out of the terms, names and numbers in', () => {
    const terms = analyzeQuestion('How many fires were recorded in the Amazon in August 2019?');
    expect(terms).toEqual(analyze('incendies enregistrés Amazon août 2019'));
    expect(analyzeQuestion('Combien de brevets Microsoft a-t-il vendus à Xiaomi ?')).toEqual(analyze('Combien de brevets Microsoft a-t-il vendus à Xiaomi ?'));
  });

  it('keeps an English word when only English articles of the index use it (nytimes-1 sentence)', () => {
    const english = 'In 1998, Bin Laden’s agents blew up the United States Embassies in Kenya and Tanzania, killing more than 200 people.';
    const french = 'Le chinois Xiaomi a signé un partenariat avec Microsoft, en rachetant 1 500 brevets à la firme de Redmond.';
    const index = new Set([...analyze(english), ...analyze(french)]);
    const indexed = (t: string) => index.has(t);
    const terms = analyzeQuestion('How many people were killed in the embassies in Kenya?', indexed);
    expect(terms).toEqual(expect.arrayContaining(analyze('people embassies Kenya')));
    // The same index, a question whose words the French article uses: French wins.
    expect(analyzeQuestion('How many patents did Xiaomi buy from Microsoft?', indexed)).toEqual(['brevet', 'xiaom', 'rachet', 'microsoft']);
  });
});
