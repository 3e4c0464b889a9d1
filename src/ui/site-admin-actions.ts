/**
 * What the in-browser site's admin pages do when their forms are sent: the kernel calls and the
 * message each outcome shows. The site element only moves its page state around them.
 */
import { messageOf } from '../kernel/common/errors.js';
import { recipeReader } from './recipe-location.js';
import { specOf, type SiteUser } from './access.js';
import type { KernelController } from './kernel-controller.js';
import type { AdminMessage, PluginActionDetail } from './trovato-plugin-admin.js';
import type { RecipeLinkState, TransferMessage } from './trovato-site-transfer.js';

/** What the actions need of the kernel controller. */
export type AdminKernel = Pick<KernelController, 'call' | 'refresh' | 'importZip'>;

/** Saves each role's permissions; every refusal is named in the message. */
export async function saveRoleGrants(kernel: AdminKernel, grants: Record<string, string[]>, user: SiteUser | undefined): Promise<AdminMessage> {
  const problems: string[] = [];
  for (const [role, permissions] of Object.entries(grants)) {
    const result = await kernel.call('setRolePermissions', role, permissions, specOf(user)).catch((error: unknown) => ({ ok: false as const, error: messageOf(error) }));
    if (!result.ok) problems.push(result.error);
  }
  await kernel.refresh();
  return problems.length > 0 ? { kind: 'error', text: problems.join(' ') } : { kind: 'ok', text: 'Permissions saved.' };
}

/** Gives a user its roles. */
export async function saveUserRoles(kernel: AdminKernel, id: string, roles: string[], user: SiteUser | undefined): Promise<AdminMessage> {
  const result = await kernel.call('setUserRoles', id, roles, specOf(user)).catch((error: unknown) => ({ ok: false as const, error: messageOf(error) }));
  await kernel.refresh();
  return result.ok ? { kind: 'ok', text: 'Roles saved.' } : { kind: 'error', text: result.error };
}

/** Enables, disables or uninstalls a plugin; the site's menu and types follow a change. */
export async function changePlugin(kernel: AdminKernel, { name, action }: PluginActionDetail): Promise<AdminMessage> {
  try {
    const result = action === 'uninstall' ? await kernel.call('uninstallPlugin', name) : await kernel.call('setPluginEnabled', name, action === 'enable');
    if (!result.ok) return { kind: 'error', text: result.error };
    await kernel.refresh();
    return { kind: 'ok', text: `${name} was ${action === 'enable' ? 'enabled' : action === 'disable' ? 'disabled' : 'uninstalled'}.` };
  } catch (error) {
    return { kind: 'error', text: messageOf(error) };
  }
}

/** Downloads the whole site as its export zip. */
export async function exportZip(kernel: AdminKernel, siteName: string): Promise<TransferMessage> {
  const zip = await kernel.call('exportSite');
  download(zip, `${siteName}.trovato-site.zip`, 'application/zip');
  return { kind: 'ok', text: `Exported the site (${(zip.length / 1024).toFixed(0)} KB).` };
}

/** The site as a recipe link at `siteUrl` (copied to the clipboard), or why it does not fit in one. */
export async function exportLink(kernel: AdminKernel, site: { pluginsUrl: string; title: string; siteUrl: string }): Promise<RecipeLinkState> {
  const [recipe, { RECIPE_LINK_BUDGET, recipeToFragment }] = await Promise.all([
    kernel.call('exportRecipe', { pluginsUrl: site.pluginsUrl, title: site.title, landing: '/' }),
    recipeReader(),
  ]);
  const url = `${site.siteUrl}#${recipeToFragment(recipe)}`;
  if (url.length > RECIPE_LINK_BUDGET) return { tooLong: url.length, budget: RECIPE_LINK_BUDGET };
  // Copying is a convenience: the link is shown on the page either way.
  navigator.clipboard?.writeText(url).catch(() => undefined);
  return { url };
}

/** Replaces the site with an export zip once the user confirms; null when they did not. */
export async function importZipFile(kernel: AdminKernel, file: File): Promise<TransferMessage | null> {
  if (!confirm(`Replace this site with ${file.name}? It is imported into a fresh database first; this site changes only if the import succeeds.`)) return null;
  const result = await kernel.importZip(new Uint8Array(await file.arrayBuffer()));
  return result.ok ? { kind: 'ok', text: `Imported ${file.name}.` } : { kind: 'error', text: result.error };
}

/** Starts a download of `bytes` as `name`. */
function download(bytes: Uint8Array, name: string, type: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
