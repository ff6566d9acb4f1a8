import { describe, expect, it } from 'vitest';
import { contextualise, namesIn, namesOwnSubject, subjectOf } from '../src/core/follow-up.ts';

const XIAOMI = { question: 'Combien de brevets Microsoft a-t-il vendus à Xiaomi ?', titles: ['Le fabricant Chinois de smartphones Xiaomi signe un accord avec Microsoft'] };

describe('names in a question', () => {
  it('finds capitalised names, not question words, openers or inverted verbs', () => {
    expect(namesIn('Combien de brevets Microsoft a-t-il vendus à Xiaomi ?')).toEqual(['Microsoft', 'Xiaomi']);
    expect(namesIn('Et quelles applications seront préinstallées ?')).toEqual([]);
    expect(namesIn('Dites-moi, Sait-on pourquoi ? Racontez.')).toEqual([]);
  });

  it('keeps a run of capitalised words as one name, drops elisions, dedupes spellings', () => {
    expect(namesIn('Qui va payer les funérailles de George Floyd ?')).toEqual(['George Floyd']);
    expect(namesIn("Combien Alibaba investit-il dans Meizu ? Et d'Alibaba ?")).toEqual(['Alibaba', 'Meizu']);
    expect(namesIn('Les Ouïghours et les OUÏGHOURS')).toEqual(['Ouïghours']);
  });
});

describe('the subject of an earlier exchange', () => {
  it('is the names its question used', () => {
    expect(subjectOf(XIAOMI).names).toEqual(['Microsoft', 'Xiaomi']);
  });

  it('falls back on the first cited title when the question named nothing', () => {
    const s = subjectOf({ question: 'combien d’incendies en juin ?', titles: ['Brésil: pire mois de juin en 13 ans pour les incendies en Amazonie'] });
    expect(s.names).toEqual(['Brésil', 'Amazonie']);
  });
});

describe('a follow-up', () => {
  const subject = subjectOf(XIAOMI);

  it('that names nothing carries the subject, and says so', () => {
    const c = contextualise('Et quelles applications seront préinstallées ?', subject);
    expect(c?.question).toBe('Et quelles applications seront préinstallées ? (Microsoft Xiaomi)');
    expect(c?.note).toBe('À propos de Microsoft et Xiaomi :');
  });

  it('that names a new subject stands on its own', () => {
    expect(namesOwnSubject('Et combien Alibaba a-t-il investi dans Meizu ?', subject)).toBe(true);
    expect(contextualise('Et combien Alibaba a-t-il investi dans Meizu ?', subject)).toBeNull();
  });

  it('that names the same subject is not rewritten, nor is one with no subject to carry', () => {
    expect(namesOwnSubject('Et Xiaomi, que fait-il de ces brevets ?', subject)).toBe(false);
    expect(contextualise('Xiaomi et Microsoft, quel accord ?', subject)).toBeNull();
    expect(contextualise('Et ensuite ?', null)).toBeNull();
  });

  it('elides before a vowel in the note', () => {
    const c = contextualise('Et en quelle année a-t-il été fondé ?', subjectOf({ question: 'Combien Alibaba investit-il dans Meizu ?', titles: [] }));
    expect(c?.note).toBe('À propos d’Alibaba et Meizu :');
  });
});
