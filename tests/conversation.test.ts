import { describe, expect, it } from 'vitest';
import type { Earlier } from '../src/app/follow-ups.ts';
import { Conversations } from '../src/discord/conversation.ts';

const about = (name: string): Earlier => ({ subject: { names: [name], topics: [] }, articles: [`${name}-article`] });

describe('conversation memory', () => {
  it('knows which exchange each answer message belongs to', () => {
    const c = new Conversations();
    c.remember({ messageIds: ['m1', 'm2'], channelId: 'c', userId: 'u', earlier: about('Xiaomi') });
    expect(c.answeredBy('m1')?.subject.names).toEqual(['Xiaomi']);
    expect(c.answeredBy('m2')?.subject.names).toEqual(['Xiaomi']);
    expect(c.answeredBy('m3')).toBeNull();
  });

  it('keeps a member’s last exchange per channel for a few minutes only', () => {
    let now = 0;
    const c = new Conversations({ recentMs: 1000, now: () => now });
    c.remember({ messageIds: ['m1'], channelId: 'c', userId: 'u', earlier: about('Airbus') });
    expect(c.recent('c', 'u')?.subject.names).toEqual(['Airbus']);
    expect(c.recent('c', 'other')).toBeNull();
    expect(c.recent('other', 'u')).toBeNull();
    now = 1001;
    expect(c.recent('c', 'u')).toBeNull();
  });

  it('is bounded: the oldest exchanges are forgotten first', () => {
    const c = new Conversations({ maxEntries: 2 });
    for (const n of ['a', 'b', 'c']) c.remember({ messageIds: [n], channelId: 'ch', userId: n, earlier: about(n) });
    expect(c.answeredBy('a')).toBeNull();
    expect(c.answeredBy('b')).not.toBeNull();
    expect(c.answeredBy('c')).not.toBeNull();
    expect(c.recent('ch', 'a')).toBeNull();
  });
});
