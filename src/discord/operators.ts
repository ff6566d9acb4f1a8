/**
 * The operator: who may manage the shared library from Discord. The application's owner, or its
 * team's members, as the API reports them (asked once, asked again after a failure), and the users
 * of OPERATOR_USER_IDS.
 */
import { Team, type Client } from 'discord.js';
import type { Logger } from '../log.ts';

export class Operators {
  private fetched: Promise<ReadonlySet<string>> | null = null;

  constructor(
    private readonly client: Client,
    private readonly configured: readonly string[],
    private readonly log: Logger,
  ) {}

  async isOperator(userId: string): Promise<boolean> {
    if (this.configured.includes(userId)) return true;
    return (await (this.fetched ??= this.fetch())).has(userId);
  }

  private async fetch(): Promise<ReadonlySet<string>> {
    try {
      const application = await this.client.application!.fetch();
      const owner = application.owner;
      if (owner instanceof Team) return new Set([owner.ownerId, ...owner.members.keys()].filter((id): id is string => id !== null));
      return new Set(owner ? [owner.id] : []);
    } catch (error) {
      this.log.warn('operators.fetch_failed', { error });
      this.fetched = null; // asked again next time
      return new Set();
    }
  }
}
