/**
 * The storage's unit of work as the dispatcher sees it: savepoints around each handler, so a
 * failing handler's writes can be discarded while the others' survive. Defined here, below both
 * storage (which implements it) and the request (which carries it).
 */
export interface RequestWork {
  savepoint(): number;
  rollbackTo(savepoint: number): void;
}

/** A request with no storage behind it (the CLI's dry runs and pure unit tests). */
export const NO_WORK: RequestWork = {
  savepoint: () => 0,
  rollbackTo: () => undefined,
};
