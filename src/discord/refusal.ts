/** A request refused for a reason the user can act on (wrong file, bad option): shown as is, not logged as an error. */
export class Refusal extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'Refusal';
  }
}
