/** The taps of ABI §1, in the order the ABI lists them. */
export const KNOWN_TAPS = [
  'tap_install',
  'tap_enable',
  'tap_disable',
  'tap_uninstall',
  'tap_item_info',
  'tap_item_view',
  'tap_item_view_alter',
  'tap_item_insert',
  'tap_item_update',
  'tap_item_delete',
  'tap_item_access',
  'tap_categories_term_insert',
  'tap_categories_term_update',
  'tap_categories_term_delete',
  'tap_form_alter',
  'tap_form_validate',
  'tap_form_submit',
  'tap_menu',
  'tap_perm',
  'tap_theme',
  'tap_preprocess_item',
  'tap_item_update_index',
  'tap_cron',
  'tap_queue_info',
  'tap_queue_worker',
  'tap_user_login',
] as const;

export type TapName = (typeof KNOWN_TAPS)[number];

const knownTapSet: ReadonlySet<string> = new Set(KNOWN_TAPS);

export function isKnownTap(name: string): name is TapName {
  return knownTapSet.has(name);
}

/** The ABI version this kernel implements. */
export const KERNEL_ABI_VERSION = 1;
