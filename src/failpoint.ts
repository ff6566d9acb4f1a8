/**
 * Crash injection for the crash-safety tests: when DEPECHE_FAILPOINT names this point, the process
 * kills itself with SIGKILL there, as a power cut or the OOM killer would. A no-op otherwise.
 */
export function failpoint(name: string): void {
  if (process.env.DEPECHE_FAILPOINT === name) process.kill(process.pid, 'SIGKILL');
}
