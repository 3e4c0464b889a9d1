/**
 * What a `trovato` command is: a module under `commands/` exporting `run(args)`, registered
 * with one line in `main.ts`. Exit codes: 0 success, 1 a refusal or failure the command
 * reports, 2 a usage error.
 */

/** A command's entry point: the arguments after its name, the exit code back. */
export type CommandRun = (args: string[]) => Promise<number>;

/** The module a command lives in, `src/cli/commands/<name>.ts`. */
export interface CommandModule {
  run: CommandRun;
}

/** One registered command: its usage line and how to load it (only when it runs). */
export interface CommandEntry {
  readonly name: string;
  /** The arguments after the name, as `--help` shows them. */
  readonly usage: string;
  /** What it does, in a few words. */
  readonly summary: string;
  readonly load: () => Promise<CommandModule>;
}

/** A mistake in how the command was called: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
