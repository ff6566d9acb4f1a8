/**
 * The words of a question without Discord mention syntax (`@everyone`, `<@123>`, `<@&456>`, `<#789>`):
 * mentions are not about the news, and their ids would only dilute the search.
 */
export function questionText(raw: string): string {
  return raw
    .replace(/<(?:@[!&]?|#)\d+>/g, ' ')
    .replace(/@(?:everyone|here)\b/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
