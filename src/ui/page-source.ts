/**
 * The seam between the site's UI and whatever builds its pages: the page's own kernel in a Web
 * Worker (worker-page-source.ts) or `trovato serve` over HTTP (http-page-source.ts). The UI asks
 * a source for the page at a location and submits plugin forms through it; it renders what it
 * gets with the same Lit elements either way.
 */
import type { FormResult, FormSubmission } from '../site/protocol.js';
import type { SiteUser } from './access.js';
import type { Page } from './page.js';

/** A location inside the site: the app path and the query string (without `?`). */
export interface SiteLocation {
  readonly path: string;
  readonly search: string;
}

export interface PageSource<P = Page> {
  /**
   * The page at `location` for `user`. A page the site cannot show is a status page (403, 404,
   * 500 with the reason), not a rejection; a rejection means the source itself failed.
   */
  load(location: SiteLocation, user: SiteUser | undefined): Promise<P>;
  /** Runs a plugin form's validate and submit taps (docs/abi.md §5). */
  submitForm(submission: FormSubmission, user: SiteUser | undefined): Promise<FormResult>;
}
