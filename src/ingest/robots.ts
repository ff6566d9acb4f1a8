/**
 * robots.txt (RFC 9309), as crawlers read it: the group naming the bot's product token (matched
 * case-insensitively, e.g. "DepecheBot" for "DepecheBot/0.1 (…)"), else the "*" group; the longest
 * matching Allow or Disallow path wins, Allow on a tie; "*" and a final "$" in paths.
 */

export interface RobotsRule {
  allow: boolean;
  /** The path pattern as written (percent-encoding kept). */
  pattern: string;
}

/** The groups of a robots.txt: each user-agent line (lowercase) with the rules that follow it. */
export type RobotsRules = Map<string, RobotsRule[]>;

export function parseRobots(text: string): RobotsRules {
  const groups: RobotsRules = new Map();
  let agents: string[] = [];
  let inRules = false;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    const m = /^([A-Za-z-]+)\s*:\s*(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const value = m[2]!.trim();
    if (key === 'user-agent') {
      // Consecutive user-agent lines share the rules that follow them.
      if (inRules) agents = [];
      inRules = false;
      const agent = value.toLowerCase();
      agents.push(agent);
      if (!groups.has(agent)) groups.set(agent, []);
    } else if (key === 'allow' || key === 'disallow') {
      inRules = true;
      // An empty Disallow allows everything: no rule.
      if (value === '') continue;
      for (const agent of agents) groups.get(agent)!.push({ allow: key === 'allow', pattern: value });
    }
  }
  return groups;
}

/** The product token robots.txt groups name: "DepecheBot/0.1 (news…)" → "depechebot". */
export function userAgentToken(userAgent: string): string {
  return (/^[A-Za-z_-]+/.exec(userAgent.trim())?.[0] ?? userAgent).toLowerCase();
}

/** May `token` fetch `pathAndQuery` (e.g. "/a/b?c=d")? */
export function robotsAllows(rules: RobotsRules, token: string, pathAndQuery: string): boolean {
  const group = rules.get(token.toLowerCase()) ?? rules.get('*');
  if (!group) return true;
  let best: RobotsRule | null = null;
  for (const rule of group) {
    if (!matches(rule.pattern, pathAndQuery)) continue;
    if (!best || rule.pattern.length > best.pattern.length || (rule.pattern.length === best.pattern.length && rule.allow)) best = rule;
  }
  return best?.allow ?? true;
}

function matches(pattern: string, path: string): boolean {
  const anchored = pattern.endsWith('$');
  const body = (anchored ? pattern.slice(0, -1) : pattern).split('*').map((part) => normalize(part).replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${body.join('.*')}${anchored ? '$' : ''}`).test(normalize(path));
}

/** Compare paths with the same percent-encoding (upper-case escapes, unreserved characters decoded). */
function normalize(path: string): string {
  return path.replace(/%([0-9a-f]{2})/gi, (_m, hex: string) => {
    const c = String.fromCharCode(parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(c) ? c : `%${hex.toUpperCase()}`;
  });
}
