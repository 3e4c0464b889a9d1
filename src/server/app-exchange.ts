/** One HTTP exchange as plain data: what the site app is asked and what it answers (http-server.ts parses and writes them; the kernel threads pass them along). */
export interface AppRequest {
  readonly method: string;
  /** The path, percent-encoded as received, without the query. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** The fields of a POSTed form (application/x-www-form-urlencoded). */
  readonly form: Readonly<Record<string, string>>;
  /** The user id from the session cookie, or null for anonymous. */
  readonly userId: string | null;
  /** The message a form submission left for the page it redirected to (site-app.ts NOTICE_COOKIE), or null. */
  readonly notice: string | null;
}

export interface AppResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}
