/**
 * The content shapes of ABI §5 as the kernel and the UI use them. Types only.
 */
export type { Item } from '../storage/schema.js';

export type FieldType =
  | 'TextLong'
  | 'Integer'
  | 'Float'
  | 'Boolean'
  | 'File'
  | 'Date'
  | 'Email'
  | { Text: { max_length: number | null } }
  | { RecordReference: string };

export interface FieldDefinition {
  field_name: string;
  field_type: FieldType;
  label: string;
  required: boolean;
  /** -1 = unlimited. */
  cardinality: number;
  settings: Record<string, unknown>;
}

export interface ContentTypeDefinition {
  machine_name: string;
  label: string;
  description: string;
  fields: FieldDefinition[];
}

/** A content type with the plugin that declared it. */
export interface ContentType extends ContentTypeDefinition {
  plugin: string;
}

/** A permission as `tap_perm` declares it. */
export interface PermissionDefinition {
  name: string;
  description: string;
}

/** A permission with the plugin that declared it (a content type's are the site's, `plugin` its owner). */
export interface DeclaredPermission extends PermissionDefinition {
  plugin: string;
}

export type AccessResult = 'Grant' | 'Deny' | 'Neutral';

export type ItemOperation = 'view' | 'create' | 'update' | 'delete';

/** A validation message for one field of a form (or the whole form when `field` is empty). */
export interface FieldError {
  field: string;
  message: string;
}
