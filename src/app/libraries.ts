/**
 * Which libraries answer whom. The shared library is the operator's (`corpus/` + `embeddings/`, the
 * CLI); each server may have a library of its own, a Depeche over `servers/<guild id>/corpus` and
 * `servers/<guild id>/embeddings` (one index per library: a reindex costs only that library, see
 * README "Many servers" for the figures behind the choice). A server's members are answered from
 * its library and the shared one merged (CombinedView), unless it turned the shared one off; DMs and
 * the CLI from the shared one only. Server libraries are opened on first use and the least recently
 * used idle ones closed beyond `maxOpenLibraries`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import type { Timeline } from '../core/news.ts';
import type { Answer } from '../core/types.ts';
import type { ServerSettings } from '../settings/servers.ts';
import { writeFileAtomic } from '../store/files.ts';
import { CombinedView } from './combined-view.ts';
import { Depeche, type AskOptions, type AskTimings, type DepecheOptions, type FoundPassage } from './depeche.ts';
import type { Questions } from './questions.ts';
import type { IndexSnapshot } from './snapshot.ts';

/** What a front end asks questions of: one library, or a server's library merged with the shared one. */
export interface Answerer {
  askTimed(question: string, options?: AskOptions): Promise<{ answer: Answer; timings: AskTimings }>;
  findPassages(question: string, limit?: number): Promise<{ found: boolean; message: string | null; passages: FoundPassage[] }>;
  timeline(subject: string): Promise<Timeline>;
}

/** A server's own settings, kept beside its library (servers/<guild id>/server.json). */
export interface ServerState {
  /** The server answers from its own library only. */
  sharedOff: boolean;
  /** When the bot was removed from the server (ISO); its library is no longer served. */
  leftAt: string | null;
  /** Where notices of its feeds' new articles go (the channel /admin feed add was last used in). */
  noticeChannelId: string | null;
  /** When its admins started indexations (ms), the last hour's only. */
  reindexes: number[];
}

export interface Usage {
  articles: number;
  bytes: number;
  reindexesLastHour: number;
}

export interface LibrariesOptions {
  config: Config;
  settings: ServerSettings;
  depeche?: DepecheOptions;
  now?: () => number;
  /** Called before a server library is closed (evicted or purged): e.g. stop polling its feeds. */
  onClose?: (guildId: string) => Promise<void>;
  /** A library that must stay open (e.g. it has feeds to poll). */
  keepOpen?: (guildId: string) => boolean;
}

/** A server answered from two libraries: its questions and the last combined view built. */
interface Merged {
  questions: Questions;
  view: { own: IndexSnapshot; shared: IndexSnapshot; combined: CombinedView } | null;
}

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
const GUILD_ID = /^\d{17,20}$/;
const DEFAULT_STATE: ServerState = { sharedOff: false, leftAt: null, noticeChannelId: null, reindexes: [] };

export class Libraries {
  /** Open server libraries, least recently used first. */
  private readonly open = new Map<string, Promise<Depeche>>();
  /** The merged questions of each server answered from two libraries. */
  private readonly merged = new Map<string, Merged>();
  private readonly now: () => number;

  constructor(
    readonly shared: Depeche,
    private readonly options: LibrariesOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Whether the server has a library of its own (a folder under SERVERS_DIR). */
  exists(guildId: string): boolean {
    return GUILD_ID.test(guildId) && existsSync(this.dir(guildId));
  }

  /** Every server that has a library folder. */
  servers(): string[] {
    if (!existsSync(this.options.settings.serversDir)) return [];
    return readdirSync(this.options.settings.serversDir).filter((name) => GUILD_ID.test(name));
  }

  /** The server's library, created on first use. */
  library(guildId: string): Promise<Depeche> {
    if (!GUILD_ID.test(guildId)) throw new Error(`not a server id: "${guildId}"`);
    let opening = this.open.get(guildId);
    if (opening) {
      this.open.delete(guildId); // most recently used last
      this.open.set(guildId, opening);
      return opening;
    }
    const config = this.configFor(guildId);
    mkdirSync(config.corpusDir, { recursive: true });
    mkdirSync(config.embeddingsDir, { recursive: true });
    opening = Depeche.open(config, this.options.depeche);
    this.open.set(guildId, opening);
    opening.catch(() => this.open.delete(guildId));
    void this.evict();
    return opening;
  }

  /** The folders of a server's library. */
  configFor(guildId: string): Config {
    const dir = this.dir(guildId);
    return { ...this.options.config, corpusDir: join(dir, 'corpus'), embeddingsDir: join(dir, 'embeddings') };
  }

  /** Who answers a question asked in this server (null: a DM or the CLI, the shared library only). */
  async answerer(guildId: string | null): Promise<Answerer> {
    if (guildId === null) return this.shared;
    const state = this.state(guildId);
    const own = this.exists(guildId) && state.leftAt === null ? await this.library(guildId) : null;
    const ownSnapshot = own?.currentSnapshot() ?? null;
    if (state.sharedOff) return own ?? this.shared.questionsOver(() => null);
    if (!own || !ownSnapshot || ownSnapshot.articleCount === 0) return this.shared;
    return this.mergedFor(guildId, own);
  }

  state(guildId: string): ServerState {
    const file = join(this.dir(guildId), 'server.json');
    if (!GUILD_ID.test(guildId) || !existsSync(file)) return { ...DEFAULT_STATE };
    try {
      return { ...DEFAULT_STATE, ...(JSON.parse(readFileSync(file, 'utf8')) as Partial<ServerState>) };
    } catch {
      return { ...DEFAULT_STATE };
    }
  }

  setState(guildId: string, patch: Partial<ServerState>): ServerState {
    const next = { ...this.state(guildId), ...patch };
    mkdirSync(this.dir(guildId), { recursive: true });
    writeFileAtomic(join(this.dir(guildId), 'server.json'), `${JSON.stringify(next, null, 2)}\n`);
    return next;
  }

  /** What the server uses, for quotas and /admin status. */
  usage(guildId: string): Usage {
    const corpus = this.configFor(guildId).corpusDir;
    let articles = 0;
    let bytes = 0;
    if (existsSync(corpus)) {
      for (const entry of readdirSync(corpus, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile() || entry.name.startsWith('.')) continue;
        articles++;
        bytes += statSync(join(entry.parentPath, entry.name)).size;
      }
    }
    return { articles, bytes, reindexesLastHour: this.recentReindexes(guildId).length };
  }

  /** How many more articles the server's library may take before its article or byte quota. */
  room(guildId: string): number {
    const { articles, bytes } = this.usage(guildId);
    const q = this.options.settings.quotas;
    return bytes >= q.bytes ? 0 : Math.max(0, q.articles - articles);
  }

  /** Counts one indexation started by the server's admins (quota). */
  recordReindex(guildId: string): void {
    this.setState(guildId, { reindexes: [...this.recentReindexes(guildId), this.now()] });
  }

  /** The bot was removed from the server: its library stops being served (kept for the grace period). */
  async markLeft(guildId: string): Promise<void> {
    if (!this.exists(guildId)) return;
    if (this.state(guildId).leftAt === null) this.setState(guildId, { leftAt: new Date(this.now()).toISOString() });
    await this.close(guildId);
  }

  /** The bot is (back) in the server: a library kept after it left is served again. */
  markPresent(guildId: string): void {
    if (this.exists(guildId) && this.state(guildId).leftAt !== null) this.setState(guildId, { leftAt: null });
  }

  /** Deletes the server's library and settings at once. */
  async purge(guildId: string): Promise<void> {
    await this.close(guildId);
    rmSync(this.dir(guildId), { recursive: true, force: true });
  }

  /** Deletes the libraries of servers left more than `retentionDays` ago; returns their ids. */
  async purgeExpired(): Promise<string[]> {
    const limit = this.options.settings.retentionDays * DAY_MS;
    const purged: string[] = [];
    for (const guildId of this.servers()) {
      const leftAt = this.state(guildId).leftAt;
      if (leftAt === null || this.now() - Date.parse(leftAt) < limit) continue;
      await this.purge(guildId);
      purged.push(guildId);
    }
    return purged;
  }

  /** Closes every server library (the shared one belongs to the caller). */
  async closeAll(): Promise<void> {
    for (const guildId of [...this.open.keys()]) await this.close(guildId);
  }

  private async close(guildId: string): Promise<void> {
    const opening = this.open.get(guildId);
    const merged = this.merged.get(guildId);
    this.open.delete(guildId);
    this.merged.delete(guildId);
    await merged?.questions.close();
    if (!opening) return;
    await this.options.onClose?.(guildId);
    await (await opening.catch(() => null))?.close();
  }

  /** Closes the least recently used idle libraries beyond the limit. */
  private async evict(): Promise<void> {
    let excess = this.open.size - this.options.settings.maxOpenLibraries;
    for (const [guildId, opening] of [...this.open]) {
      if (excess <= 0) return;
      const depeche = await opening.catch(() => null);
      if (depeche?.isReindexing || this.options.keepOpen?.(guildId)) continue;
      excess--;
      await this.close(guildId);
    }
  }

  private mergedFor(guildId: string, own: Depeche): Answerer {
    let entry = this.merged.get(guildId);
    if (!entry) {
      const created: Merged = { questions: null as unknown as Questions, view: null };
      // The view is rebuilt only when either library committed a new snapshot.
      created.questions = this.shared.questionsOver(() => {
        const ownSnapshot = own.currentSnapshot();
        const sharedSnapshot = this.shared.currentSnapshot();
        if (!ownSnapshot || !sharedSnapshot) return ownSnapshot ?? sharedSnapshot;
        const v = created.view;
        if (v && v.own === ownSnapshot && v.shared === sharedSnapshot) return v.combined;
        const combined = new CombinedView([
          { name: 'server', snapshot: ownSnapshot },
          { name: 'shared', snapshot: sharedSnapshot },
        ]);
        created.view = { own: ownSnapshot, shared: sharedSnapshot, combined };
        return combined;
      });
      this.merged.set(guildId, (entry = created));
    }
    const questions = entry.questions;
    return {
      askTimed: (q) => questions.askTimed(q),
      findPassages: (q, limit = 5) => questions.findPassages(q, limit),
      timeline: (s) => questions.timeline(s),
    };
  }

  private recentReindexes(guildId: string): number[] {
    return this.state(guildId).reindexes.filter((t) => this.now() - t < HOUR_MS);
  }

  private dir(guildId: string): string {
    return join(this.options.settings.serversDir, guildId);
  }
}
