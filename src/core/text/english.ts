/**
 * English questions about French articles, offline: members write in both languages, and the lexical
 * leg only matches the article's own words. Names and numbers already match; this small lexicon
 * carries the common news words across ("patents" → brevets). Each English word gives one French
 * word, the form news text uses most, because every extra term a passage lacks lowers its coverage.
 * With a multilingual embedding model the dense leg matches across languages by itself.
 */

/** English words that show a question is English (none of them is a French word). */
const ENGLISH_MARKERS = new Set(
  `the of is are was were did does do how many much what which who whom whose why when where this that these those
  has have had will would should could can its it they their there been be by from with about after before into than
  many much any some`.split(/\s+/),
);
/** French words that show a question is French (none is an English word). */
const FRENCH_MARKERS = new Set(
  `le la les des du de un une est sont a ont quel quelle quels quelles combien comment pourquoi où quand qui que quoi
  il elle ils elles au aux dans sur pour par avec ce cette ces son sa ses leur leurs`.split(/\s+/),
);

/**
 * English news words → the French word articles use. Grouped by subject; base forms, with the
 * irregular forms questions use ("sold", "bought"). Regular inflections (-s, -ed, -ing) are undone first.
 */
const LEXICON: Record<string, string> = {
  // business and economy
  patent: 'brevets', sell: 'vendre', sold: 'vendu', sale: 'ventes', buy: 'racheter', bought: 'racheté', purchase: 'achat',
  acquire: 'acquisition', acquisition: 'acquisition', invest: 'investissement', investment: 'investissement', investor: 'investisseurs',
  agreement: 'accord', deal: 'accord', partnership: 'partenariat', partner: 'partenaire', company: 'entreprise', firm: 'entreprise',
  group: 'groupe', market: 'marché', share: 'part', shareholder: 'actionnaire', stock: 'action', price: 'prix', cost: 'coût',
  profit: 'bénéfice', revenue: 'chiffre', loss: 'pertes', growth: 'croissance', rise: 'hausse', rose: 'hausse', increase: 'hausse',
  fall: 'baisse', fell: 'baisse', drop: 'baisse', decrease: 'baisse', cut: 'baisse', bank: 'banque', money: 'argent', tax: 'impôt',
  income: 'revenu', salary: 'salaires', wage: 'salaires', worker: 'salariés', employee: 'salariés', employer: 'employeur', job: 'emplois',
  unemployment: 'chômage', strike: 'grève', striker: 'grévistes', union: 'syndicat', bonus: 'prime', pension: 'retraite', retirement: 'retraite',
  debt: 'dette', budget: 'budget', billion: 'milliards', million: 'millions', thousand: 'milliers', percent: 'pourcentage', euro: 'euros',
  dollar: 'dollars', household: 'ménages', customer: 'clients', consumer: 'consommateurs', store: 'boutique', shop: 'magasin',
  factory: 'usine', industry: 'industrie', manufacturer: 'fabricant', maker: 'fabricant', brand: 'marque', product: 'produits',
  launch: 'lancement', release: 'sortie', plan: 'projet', project: 'projet', strategy: 'stratégie', competitor: 'concurrents',
  // technology
  smartphone: 'smartphones', phone: 'téléphone', mobile: 'mobile', software: 'logiciels', app: 'applications', application: 'applications',
  operating: 'exploitation', system: 'système', computer: 'ordinateur', internet: 'internet', website: 'site', site: 'site', online: 'ligne',
  network: 'réseau', data: 'données', camera: 'caméra', photography: 'photographie', photo: 'photos', picture: 'photos', screen: 'écran',
  device: 'appareils', technology: 'technologie', hacker: 'pirates', cyberattack: 'cyberattaques', attack: 'attaque', video: 'vidéo',
  division: 'division', research: 'recherche', develop: 'développer', development: 'développement', chip: 'puces', cloud: 'cloud',
  // politics and society
  government: 'gouvernement', minister: 'ministre', president: 'président', presidential: 'présidentielle', election: 'élection',
  vote: 'vote', party: 'parti', law: 'loi', bill: 'projet', reform: 'réforme', parliament: 'parlement', senate: 'sénat', mayor: 'maire',
  city: 'ville', country: 'pays', state: 'état', europe: 'europe', european: 'européenne', french: 'français', france: 'france', world: 'monde',
  global: 'mondiale', worldwide: 'mondiale', international: 'international', foreign: 'étranger', abroad: 'étranger', china: 'chine',
  chinese: 'chinois', american: 'américain', united: 'unis', poll: 'sondage', survey: 'sondage', people: 'personnes', person: 'personnes',
  citizen: 'citoyens', protest: 'manifestation', demonstration: 'manifestation', demonstrator: 'manifestants', protester: 'manifestants',
  police: 'police', policeman: 'policiers', officer: 'policiers', gendarme: 'gendarmes', army: 'armée', military: 'militaire', soldier: 'soldats',
  war: 'guerre', school: 'école', teacher: 'enseignants', student: 'élèves', pupil: 'élèves', principal: 'directeurs', headteacher: 'directeurs',
  university: 'université', child: 'enfant', children: 'enfants', kid: 'enfant', woman: 'femme', women: 'femmes', man: 'homme', men: 'hommes',
  young: 'jeunes', family: 'famille', mother: 'mère', father: 'père', journalist: 'journaliste', newspaper: 'journal', book: 'livre',
  copy: 'exemplaires', primary: 'primaire', green: 'écologiste', credible: 'crédible', announcement: 'annonce', announce: 'annonce',
  // justice and accidents
  court: 'tribunal', trial: 'procès', judge: 'juge', prison: 'prison', jail: 'prison', sentence: 'peine', fine: 'amende', fined: 'verbalisées',
  steal: 'volé', stole: 'volé', stolen: 'volé', theft: 'vol', thief: 'voleur', suspect: 'suspect', murder: 'meurtre', kill: 'tué', killed: 'tué',
  dead: 'morts', death: 'mort', die: 'décédé', died: 'décédé', injure: 'blessé', injured: 'blessé', wound: 'blessé', wounded: 'blessé',
  victim: 'victimes', shooting: 'fusillade', fire: 'incendies', firefighter: 'pompier', crash: 'écrasé', plane: 'avion', aircraft: 'avion',
  car: 'voiture', train: 'trains', driver: 'conducteurs', accident: 'accident', dog: 'chien', cat: 'chat', eye: 'oeil', statue: 'statue',
  bronze: 'bronze', worth: 'estimée', value: 'valeur', mask: 'masque', lockdown: 'confinement', epidemic: 'épidémie', virus: 'virus',
  health: 'santé', hospital: 'hôpital', doctor: 'médecin', vaccine: 'vaccin', drug: 'drogue', alcohol: 'alcool', tobacco: 'tabac',
  // time, place and measure
  year: 'ans', month: 'mois', week: 'semaine', day: 'jour', today: 'aujourd', yesterday: 'hier', end: 'fin', beginning: 'début', start: 'début',
  since: 'depuis', first: 'premier', last: 'dernier', new: 'nouveau', old: 'ancien', former: 'ancien', big: 'grand', large: 'grand', small: 'petit',
  number: 'nombre', total: 'total', seat: 'places', place: 'lieu', room: 'salle', cinema: 'cinéma', movie: 'film', film: 'film', match: 'match',
  player: 'joueurs', team: 'équipe', game: 'jeu', north: 'nord', south: 'sud', east: 'est', west: 'ouest', amazon: 'amazonie', forest: 'forêt',
  founded: 'fondé', create: 'créer', leave: 'congés', paid: 'payés', holiday: 'vacances', water: 'eau', energy: 'énergie',
  climate: 'climat', weather: 'météo', record: 'record', recorded: 'enregistrés', estimate: 'estime', percentage: 'pourcentage',
  register: 'inscrit', wear: 'port', yellow: 'jaunes', vest: 'gilets', institutional: 'institutionnels',
  canadian: 'canadienne', turkish: 'turcs', german: 'allemand', british: 'britannique', italian: 'italien', spanish: 'espagnol',
  russian: 'russe', japanese: 'japonais', africa: 'afrique', african: 'africain', africans: 'africains', germany: 'allemagne',
  january: 'janvier', february: 'février', march: 'mars', april: 'avril', may: 'mai', june: 'juin', july: 'juillet',
  august: 'août', september: 'septembre', october: 'octobre', november: 'novembre', december: 'décembre',
  monday: 'lundi', tuesday: 'mardi', wednesday: 'mercredi', thursday: 'jeudi', friday: 'vendredi', saturday: 'samedi', sunday: 'dimanche',
};

/** English words that say nothing about the subject (the analyzer's own English stop list has the commonest). */
const ENGLISH_STOP = new Set(
  `my me mine her hers his him our ours your yours their theirs them we us you i not no yes during after before
  against while own get got give gave make made take took want think say said tell told according also still just only
  very more most so than then there here other others such issued`.split(/\s+/),
);

/** An English word's base form: "patents" → patent, "invested" → invest, "companies" → company. */
function lookUp(word: string): string | undefined {
  const direct = LEXICON[word];
  if (direct !== undefined) return direct;
  const bases = [
    word.replace(/'s$/, ''),
    word.replace(/ies$/, 'y'),
    word.replace(/es$/, ''),
    word.replace(/s$/, ''),
    word.replace(/ed$/, ''),
    word.replace(/d$/, ''),
    word.replace(/ing$/, ''),
    word.replace(/ing$/, 'e'),
  ];
  for (const base of bases) if (base !== word && LEXICON[base] !== undefined) return LEXICON[base];
  return undefined;
}

/** Is this question written in English? More English than French marker words, and at least two. */
export function looksEnglish(question: string): boolean {
  let english = 0;
  let french = 0;
  for (const word of question.toLowerCase().match(/[\p{L}']+/gu) ?? []) {
    const bare = word.replace(/'s$/, '');
    if (ENGLISH_MARKERS.has(bare)) english++;
    if (FRENCH_MARKERS.has(bare)) french++;
  }
  return english >= 2 && english > french;
}

/**
 * The question with its English words known to the lexicon replaced by their French word; other
 * words (names, numbers, words the lexicon lacks) are kept as written. `keepEnglish` may keep a
 * word as written instead (an English article in the corpus uses it, no French one uses the translation).
 */
export function toFrenchWords(question: string, keepEnglish: (english: string, french: string) => boolean = () => false): string {
  return question.replace(/[\p{L}][\p{L}']*/gu, (word) => {
    const lower = word.toLowerCase();
    if (ENGLISH_STOP.has(lower)) return '';
    const french = lookUp(lower);
    return french === undefined || keepEnglish(word, french) ? word : french;
  });
}
