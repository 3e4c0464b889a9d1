/** A plugin form posted to `trovato serve`, as HTML (site-app.ts) or as page data (page-data.ts). */
import type { FormResult, UserSpec } from '../site/protocol.js';
import type { Site } from '../site/site.js';
import { FORM_ID_FIELD } from '../render/form-id.js';
import { hasForm } from '../ui/form-errors.js';
import type { PluginPage } from '../ui/page.js';

/**
 * A plugin form posted to a page: the form must be on the page as the plugin built it for this
 * user (the posted id is only a name to look for); then tap_form_validate and tap_form_submit
 * (docs/abi.md §5), as the page's script runs them through the worker.
 */
export async function postPluginForm(
  site: Site,
  spec: UserSpec,
  page: PluginPage,
  form: Readonly<Record<string, string>>,
): Promise<{ formId: string; values: Record<string, string>; outcome: FormResult } | { problem: string }> {
  const formId = form[FORM_ID_FIELD];
  if (formId === undefined || !hasForm(page.tree, formId)) {
    const what = formId === undefined ? 'a post without a form id' : `a post of the form "${formId}"`;
    return { problem: `The page ${page.path} has no such form: it got ${what}. Reload the page and send its form again.` };
  }
  const values = Object.fromEntries(Object.entries(form).filter(([name]) => name !== FORM_ID_FIELD));
  const outcome = await site.submitForm({ form_id: formId, plugin: page.plugin, path: page.path, values }, spec);
  return { formId, values, outcome };
}
