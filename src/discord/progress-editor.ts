import type { ReindexProgress } from '../app/indexer.ts';
import type { Logger } from '../log.ts';

/**
 * Edits a reply with reindex progress at most every `intervalMs` (Discord rate-limits edits), then
 * with the final text. Edits are sent one at a time; a failed edit is logged, never thrown, so a
 * lost reply (expired token, deleted message) never disturbs the reindex itself.
 */
export function progressEditor(
  edit: (content: string) => Promise<unknown>,
  render: (p: ReindexProgress) => string,
  intervalMs: number,
  log: Logger,
  fields: Record<string, unknown>,
) {
  let latest: ReindexProgress | null = null;
  let shown: string | null = null;
  let pending: Promise<void> = Promise.resolve();
  const send = (content: string): Promise<void> => {
    pending = pending.then(() =>
      edit(content).then(
        () => undefined,
        (error: unknown) => log.warn('reply.edit_failed', { ...fields, error }),
      ),
    );
    return pending;
  };
  const timer = setInterval(() => {
    if (!latest) return;
    const content = render(latest);
    if (content === shown) return;
    shown = content;
    void send(content);
  }, intervalMs);
  timer.unref();
  return {
    update(p: ReindexProgress): void {
      latest = p;
    },
    async finish(content: string): Promise<void> {
      clearInterval(timer);
      await send(content);
    },
    /** Stops the progress edits without a final one (the caller answers otherwise). */
    async cancel(): Promise<void> {
      clearInterval(timer);
      await pending;
    },
  };
}
