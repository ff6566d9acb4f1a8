/** /admin reindex [full]: in the background; the reply shows progress, then the final figures. */
import { MessageFlags } from 'discord.js';
import { BusyError } from '../../../app/depeche.ts';
import { progressEditor } from '../../progress-editor.ts';
import { renderProgress, renderReindexReport, renderReindexStarted } from '../../render-admin.ts';
import { NO_MENTIONS } from '../../respond.ts';
import { describeJobError } from '../../wording.ts';
import { BUSY, edit, privateReply, type AdminPart } from './shared.ts';

export const reindex: AdminPart = {
  name: 'reindex',
  register(admin) {
    admin.addSubcommand((s) =>
      s
        .setName('reindex')
        .setDescription('Met l’index à jour en arrière-plan')
        .addBooleanOption((o) => o.setName('full').setDescription('Tout relire et tout recalculer')),
    );
  },

  /**
   * Starts the reindex and answers at once; the reply is then edited with progress and the final
   * figures. Members keep getting answers from the current index meanwhile.
   */
  async execute(interaction, ctx) {
    const full = interaction.options.getBoolean('full') ?? false;
    if (ctx.depeche.isReindexing) {
      await privateReply(interaction, BUSY);
      return { full, refused: 'busy' };
    }
    const fields = { requestId: interaction.id, userId: interaction.user.id, full };
    let replied: Promise<boolean> = Promise.resolve(false);
    // Edits wait for the first reply, whichever finishes first.
    const editor = progressEditor(
      async (c) => {
        if (await replied) await edit(interaction, c);
      },
      (p) => renderProgress('Indexation en cours', p),
      ctx.settings.progressIntervalMs,
      ctx.log,
      fields,
    );
    // Called before any await: Depeche marks itself busy at once, so a second /admin reindex is refused.
    const job = ctx.depeche.reindex({ full }, (p) => editor.update(p));
    replied = interaction
      .reply({ content: renderReindexStarted(full), flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS })
      .then(
        () => true,
        (error: unknown) => {
          ctx.log.warn('reply.failed', { ...fields, error });
          return false;
        },
      );
    void job.then(
      async (report) => {
        ctx.log.info('admin.reindex.done', { ...fields, articles: report.articles, passages: report.passages, ms: report.durationMs });
        await editor.finish(renderReindexReport(report));
      },
      async (error: unknown) => {
        ctx.log.error('admin.reindex.failed', { ...fields, error });
        await editor.finish(error instanceof BusyError ? BUSY : `L’indexation a échoué : ${describeJobError(error)}.`);
      },
    );
    return { full, started: await replied };
  },
};
