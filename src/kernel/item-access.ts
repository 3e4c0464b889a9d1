/**
 * The `tap_item_access` vote (ABI §5 AccessResult, rules 3 and 4): any Deny denies, then any
 * Grant grants, otherwise the question stays open for the permission rules. Shared by the
 * site's pages (site/access.ts) and the host item reads (host/item.ts), so a plugin's own
 * listing and the site's pages decide alike.
 *
 * A handler that fails or answers something other than "Grant", "Deny" or "Neutral" counts as a
 * Deny: an access rule that crashed must not open what it meant to close.
 */
import type { HandlerResult } from './tap/dispatcher.js';

export type AccessVerdict = 'grant' | 'deny' | 'neutral';

export interface AccessTally {
  readonly verdict: AccessVerdict;
  readonly deniers: string[];
  readonly granters: string[];
  /** Problems with handlers, as sentences (each counted as a Deny). */
  readonly errors: string[];
}

export function tallyAccessAnswers(answers: readonly HandlerResult[]): AccessTally {
  const errors: string[] = [];
  const deniers: string[] = [];
  const granters: string[] = [];
  for (const answer of answers) {
    if (answer.error !== undefined) {
      errors.push(`${answer.error} (counted as Deny)`);
      deniers.push(answer.plugin);
    } else if (answer.output === 'Deny') {
      deniers.push(answer.plugin);
    } else if (answer.output === 'Grant') {
      granters.push(answer.plugin);
    } else if (answer.output !== 'Neutral' && answer.output !== null) {
      errors.push(`${answer.plugin} tap_item_access answered ${JSON.stringify(answer.output)}; answer "Grant", "Deny" or "Neutral" (counted as Deny).`);
      deniers.push(answer.plugin);
    }
  }
  const verdict: AccessVerdict = deniers.length > 0 ? 'deny' : granters.length > 0 ? 'grant' : 'neutral';
  return { verdict, deniers, granters, errors };
}
