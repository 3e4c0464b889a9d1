/**
 * Pages from `trovato serve` over HTTP, for the served site's scripts: `GET /_trovato/page?path=`
 * answers the page data of a location as JSON, a form POSTed there runs the plugin's form taps.
 * The server decides everything as it does for its HTML pages (the user from its session
 * cookie, access, which form the page shows); the user passed in here is not sent. The tree
 * comes unrendered and is rendered here by the same Lit renderer as the page's own kernel's.
 */
import type { FormResult, FormSubmission } from '../site/protocol.js';
import { FORM_ID_FIELD } from '../render/form-id.js';
import type { Page } from './page.js';
import type { PageSource, SiteLocation } from './page-source.js';

/** Where the server answers page data and form posts. */
export const PAGE_DATA_PATH = '/_trovato/page';

/**
 * What the server answers for a location: a page the served UI shows in place, or `document`
 * for the pages it serves as whole documents only (admin pages, item forms): load `href`.
 */
export type ServedPage = Extract<Page, { kind: 'plugin' | 'item' | 'status' }> | { kind: 'document'; href: string };

/** A request to the server that did not answer page data (down, or an error page instead). */
export class PageDataError extends Error {
  override readonly name = 'PageDataError';
}

export class HttpPageSource implements PageSource<ServedPage> {
  readonly #origin: string;

  /** `origin`: the server's, default this page's. */
  constructor(origin: string = location.origin) {
    this.#origin = origin;
  }

  async load(at: SiteLocation): Promise<ServedPage> {
    return this.#json<ServedPage>(this.#url(at), { headers: { accept: 'application/json' } });
  }

  async submitForm(submission: FormSubmission): Promise<FormResult> {
    const body = new URLSearchParams({ ...submission.values, [FORM_ID_FIELD]: submission.form_id });
    const at = { path: submission.path, search: location.pathname === submission.path ? location.search.replace(/^\?/, '') : '' };
    return this.#json<FormResult>(this.#url(at), {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
  }

  #url(at: SiteLocation): string {
    const target = at.search === '' ? at.path : `${at.path}?${at.search}`;
    return `${this.#origin}${PAGE_DATA_PATH}?${new URLSearchParams({ path: target })}`;
  }

  async #json<T>(url: string, init: RequestInit): Promise<T> {
    let response: Response;
    try {
      response = await fetch(url, { ...init, credentials: 'same-origin' });
    } catch (error) {
      throw new PageDataError(`The server did not answer (${error instanceof Error ? error.message : String(error)}).`);
    }
    if (!response.ok || !(response.headers.get('content-type') ?? '').startsWith('application/json')) {
      throw new PageDataError(`The server answered ${response.status} instead of page data.`);
    }
    return (await response.json()) as T;
  }
}
