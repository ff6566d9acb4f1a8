/** Hand-written test articles with facts that appear nowhere else in the corpus. */
import { markdown } from './workspace.ts';

export const LUNE_PARAGRAPHS = [
  "La mission Artémis III s'est posée près du pôle Sud de la Lune au terme d'un voyage de cinq jours. " +
    'Les deux astronautes ont passé six jours et demi à la surface, un record pour le programme. ' +
    'Ils ont installé une station sismique et un réflecteur laser près du cratère Shackleton.',
  'Au retour, la capsule Orion transportait 42 kilogrammes de roches lunaires destinées aux laboratoires de Houston. ' +
    "Les échantillons proviennent de zones restées dans l'ombre depuis des milliards d'années. " +
    "Les scientifiques espèrent y trouver des traces de glace d'eau ancienne.",
  'La Nasa a consacré près de 93 milliards de dollars au programme depuis son lancement. ' +
    "Plusieurs agences partenaires, dont l'Agence spatiale européenne, ont fourni des modules essentiels. " +
    'Le module de service de la capsule a été construit à Brême par Airbus.',
  'La prochaine mission doit assembler les premiers éléments de la station Gateway en orbite lunaire. ' +
    "Les ingénieurs prévoient d'y amarrer un module d'habitation construit par l'industrie européenne. " +
    'Le calendrier reste toutefois dépendant des essais du nouvel alunisseur.',
  "Selon la directrice du programme, l'équipage a décrit un paysage gris sculpté par les impacts de météorites. " +
    'Le commandant a planté un drapeau rouge au sommet de la colline Malapert avant de repartir.',
];

export const LUNE_META = { title: 'Artémis III rapporte des roches du pôle Sud lunaire', source: 'Le Quotidien Spatial', published: '2027-03-14' };

export function luneArticle(paragraphs = LUNE_PARAGRAPHS): string {
  return markdown(LUNE_META, paragraphs.join('\n\n'));
}

export const LUNE_FLAG_SENTENCE = 'Le commandant a planté un drapeau rouge au sommet de la colline Malapert avant de repartir.';
export const LUNE_FLAG_QUESTION = 'Qui a planté un drapeau rouge au sommet de la colline Malapert ?';
export const LUNE_ROCKS_QUESTION = 'Combien de kilogrammes de roches lunaires la capsule Orion transportait-elle ?';

export const FROMAGE_ARTICLE = markdown(
  { title: 'Le comté bat un record de production', source: 'La Gazette du Jura', published: '2026-11-02' },
  'La filière du comté a produit 71 000 tonnes de fromage cette année, un record historique. ' +
    'Les fruitières du massif jurassien ont recruté quatre cents fromagers supplémentaires. ' +
    "Le prix du lait payé aux éleveurs a progressé de huit pour cent en un an.\n\n" +
    "L'interprofession s'inquiète pourtant de la sécheresse qui a réduit la pousse de l'herbe. " +
    'Les affineurs de Poligny ont agrandi leurs caves pour accueillir les meules supplémentaires.',
);
export const FROMAGE_QUESTION = 'Combien de tonnes de comté la filière a-t-elle produit cette année ?';

export const VOILE_ARTICLE = markdown(
  { title: 'Une navigatrice bretonne remporte la Route du Rhum', source: 'Ouest Régates', published: '2026-11-20' },
  'La navigatrice Maëlle Kerhervé a remporté la Route du Rhum en onze jours et quatre heures. ' +
    'Son trimaran a franchi la ligne d’arrivée à Pointe-à-Pitre au petit matin sous une pluie tropicale. ' +
    "Elle devance de trois heures le tenant du titre, victime d'une avarie de safran au large des Açores.",
);
export const VOILE_QUESTION = 'En combien de jours la navigatrice Maëlle Kerhervé a-t-elle remporté la Route du Rhum ?';
