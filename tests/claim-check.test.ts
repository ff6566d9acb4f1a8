import { describe, expect, it } from 'vitest';
import { checkFigures, claimKeywords, claimSubject, figuresIn } from '../src/core/claim-check.ts';

describe('figures in a text', () => {
  it('reads French digit groups, decimal commas, scales and what they count', () => {
    expect(figuresIn('Microsoft vient de vendre 1 500 brevets au chinois Xiaomi')).toEqual([{ text: '1 500 brevets', value: 1500, unit: 'brevet' }]);
    expect(figuresIn('la suppression de 3.500 postes')[0]).toMatchObject({ value: 3500, unit: 'post' });
    expect(figuresIn('un investissement de 590 millions de dollars')[0]).toMatchObject({ value: 590e6, unit: 'dollar' });
    expect(figuresIn('une part de 4,6% fin 2015')).toEqual([{ text: '4,6%', value: 4.6, unit: '%' }]);
  });

  it('leaves a bare year out', () => {
    expect(figuresIn('fondé en 2003 à Zhuhai')).toEqual([]);
  });
});

describe('a claim against quotes', () => {
  const QUOTE = 'Microsoft vient de vendre 1 500 brevets au chinois Xiaomi avec la signature d’un partenariat stratégique.';

  it('says a figure differs when a quote counts the same thing differently', () => {
    const [check] = checkFigures('Microsoft a vendu 2 000 brevets à Xiaomi', [QUOTE]);
    expect(check).toMatchObject({ kind: 'differs', claimed: { text: '2 000 brevets' }, stated: { text: '1 500 brevets' }, quote: 0 });
  });

  it('says it agrees when a quote states the same figure, even written otherwise', () => {
    expect(checkFigures('Xiaomi a acheté 1500 brevets', ['Lorem.', QUOTE])[0]).toMatchObject({ kind: 'same', quote: 1 });
  });

  it('says nothing about a figure no quote counts', () => {
    expect(checkFigures('Xiaomi a vendu 300 téléphones', [QUOTE])).toEqual([{ kind: 'absent', claimed: { text: '300 téléphones', value: 300, unit: 'telephon' } }]);
  });

  it('searches the claim without its figures', () => {
    expect(claimSubject('Microsoft a vendu 2 000 brevets à Xiaomi')).toBe('Microsoft a vendu brevets à Xiaomi');
    expect(claimKeywords('Microsoft a vendu 2 000 brevets à Xiaomi, c’est énorme')).toBe('Microsoft Xiaomi brevets');
  });
});
