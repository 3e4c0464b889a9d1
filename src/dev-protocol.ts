/**
 * The message `trovato dev` sends the page over Vite's HMR socket when it rebuilt a plugin.
 * Compile errors go the other way Vite already knows: its error overlay.
 */

/** The custom HMR event name. */
export const PLUGIN_REBUILT_EVENT = 'trovato:plugin-rebuilt';

/** Its payload: the plugin whose new build is in the plugins folder. */
export interface PluginRebuilt {
  name: string;
}
