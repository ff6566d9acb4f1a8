/**
 * A request refused for a reason the user can act on (wrong file, bad option): `reason` is shown as
 * is (French), not logged as an error; `code`, when the reason came from a code, is what the log keeps.
 */
export class Refusal extends Error {
  constructor(
    readonly reason: string,
    readonly code?: string,
  ) {
    super(reason);
    this.name = 'Refusal';
  }
}
