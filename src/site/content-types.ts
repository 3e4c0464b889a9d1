/**
 * Content types: what `tap_item_info` declares (ABI §5), checked shape by shape so one
 * plugin's typo costs that type only, with a warning naming plugin, type and key.
 */
import type { DispatchResult } from '../kernel/tap/dispatcher.js';
import type { ContentType, DeclaredPermission, FieldDefinition, FieldType } from '../kernel/content/types.js';
import { MACHINE_NAME } from '../kernel/common/machine-name.js';

const SIMPLE_FIELD_TYPES = ['TextLong', 'Integer', 'Float', 'Boolean', 'File', 'Date', 'Email'] as const;

/** A plugin's declaration that was dropped or partly dropped, as a sentence for the plugins page. */
export interface PluginWarning {
  plugin: string;
  message: string;
}

export interface CollectedContentTypes {
  types: ContentType[];
  warnings: PluginWarning[];
}

/**
 * Reads every handler's `tap_item_info` output. A type declared twice is kept by the plugin
 * that loads first, like routes.
 */
export function collectContentTypes(result: DispatchResult): CollectedContentTypes {
  const types: ContentType[] = [];
  const warnings: PluginWarning[] = [];
  const seen = new Map<string, string>();
  for (const handler of result.results) {
    const warn = (message: string): void => {
      warnings.push({ plugin: handler.plugin, message: `${handler.plugin} tap_item_info: ${message}` });
    };
    if (handler.error !== undefined) {
      warnings.push({ plugin: handler.plugin, message: handler.error });
      continue;
    }
    if (handler.output === null) continue;
    if (!Array.isArray(handler.output)) {
      warn(`must return an array of ContentTypeDefinition objects, got ${kind(handler.output)}.`);
      continue;
    }
    handler.output.forEach((raw, index) => {
      const parsed = parseContentType(raw, `type ${index + 1}`);
      if (!parsed.ok) return warn(parsed.message);
      const owner = seen.get(parsed.type.machine_name);
      if (owner !== undefined) {
        return warn(`the content type "${parsed.type.machine_name}" is already declared by ${owner}; rename it (this declaration is ignored).`);
      }
      seen.set(parsed.type.machine_name, handler.plugin);
      types.push({ ...parsed.type, plugin: handler.plugin });
      for (const message of parsed.warnings) warn(message);
    });
  }
  return { types, warnings };
}

type Parsed = { ok: true; type: Omit<ContentType, 'plugin'>; warnings: string[] } | { ok: false; message: string };

function parseContentType(raw: unknown, where: string): Parsed {
  if (!isObject(raw)) return { ok: false, message: `${where} must be an object {machine_name, label, description, fields}, got ${kind(raw)}.` };
  const name = raw.machine_name;
  if (typeof name !== 'string' || !MACHINE_NAME.test(name)) {
    return { ok: false, message: `${where} has machine_name ${show(name)}; use lowercase letters, digits and _, starting with a letter.` };
  }
  const label = raw.label;
  if (typeof label !== 'string' || label === '') return { ok: false, message: `the content type "${name}" needs a "label" (text), got ${show(label)}.` };
  if (!Array.isArray(raw.fields)) return { ok: false, message: `the content type "${name}" needs "fields", an array of FieldDefinition, got ${show(raw.fields)}.` };
  const fields: FieldDefinition[] = [];
  const warnings: string[] = [];
  const names = new Set<string>();
  raw.fields.forEach((field, i) => {
    const parsed = parseField(field, `the content type "${name}" field ${i + 1}`);
    if (typeof parsed === 'string') return warnings.push(`${parsed} The field is ignored.`);
    if (names.has(parsed.field_name)) return warnings.push(`the content type "${name}" declares the field "${parsed.field_name}" twice; the second is ignored.`);
    names.add(parsed.field_name);
    fields.push(parsed);
  });
  const description = typeof raw.description === 'string' ? raw.description : '';
  return { ok: true, type: { machine_name: name, label, description, fields }, warnings };
}

/** A field definition with defaults applied, or a message saying what is wrong. */
function parseField(raw: unknown, where: string): FieldDefinition | string {
  if (!isObject(raw)) return `${where} must be an object {field_name, field_type, label, required, cardinality, settings}, got ${kind(raw)}.`;
  const name = raw.field_name;
  if (typeof name !== 'string' || !MACHINE_NAME.test(name)) {
    return `${where} has field_name ${show(name)}; use lowercase letters, digits and _, starting with a letter.`;
  }
  const at = `${where} ("${name}")`;
  const type = parseFieldType(raw.field_type);
  if (type === null) {
    return (
      `${at} has field_type ${show(raw.field_type)}; use one of ${SIMPLE_FIELD_TYPES.map((t) => `"${t}"`).join(', ')}, ` +
      `{"Text": {"max_length": n | null}} or {"RecordReference": "<type>"}.`
    );
  }
  const cardinality = raw.cardinality ?? 1;
  if (typeof cardinality !== 'number' || !Number.isInteger(cardinality) || (cardinality < 1 && cardinality !== -1)) {
    return `${at} has cardinality ${show(cardinality)}; use a positive integer, or -1 for unlimited.`;
  }
  const required = raw.required ?? false;
  if (typeof required !== 'boolean') return `${at} has required ${show(required)}; use true or false.`;
  return {
    field_name: name,
    field_type: type,
    label: typeof raw.label === 'string' && raw.label !== '' ? raw.label : name,
    required,
    cardinality,
    settings: isObject(raw.settings) ? raw.settings : {},
  };
}

function parseFieldType(raw: unknown): FieldType | null {
  if (typeof raw === 'string') return (SIMPLE_FIELD_TYPES as readonly string[]).includes(raw) ? (raw as FieldType) : null;
  if (!isObject(raw) || Object.keys(raw).length !== 1) return null;
  if ('Text' in raw) {
    const text = raw.Text;
    if (!isObject(text)) return null;
    const max = text.max_length ?? null;
    if (max !== null && (typeof max !== 'number' || !Number.isInteger(max) || max < 1)) return null;
    return { Text: { max_length: max } };
  }
  if ('RecordReference' in raw) {
    const target = raw.RecordReference;
    return typeof target === 'string' && MACHINE_NAME.test(target) ? { RecordReference: target } : null;
  }
  return null;
}

/** The permissions each content type implies (ABI §5's content permissions), for the permissions page. */
export function contentTypePermissions(types: readonly ContentType[]): DeclaredPermission[] {
  return types.flatMap((type) => [
    { name: `create ${type.machine_name} content`, description: `Create new ${type.label} items.`, plugin: type.plugin },
    { name: `edit own ${type.machine_name} content`, description: `Edit one's own ${type.label} items.`, plugin: type.plugin },
    { name: `edit any ${type.machine_name} content`, description: `Edit anyone's ${type.label} items.`, plugin: type.plugin },
    { name: `delete own ${type.machine_name} content`, description: `Delete one's own ${type.label} items.`, plugin: type.plugin },
    { name: `delete any ${type.machine_name} content`, description: `Delete anyone's ${type.label} items.`, plugin: type.plugin },
  ]);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A value quoted for a message, shortened. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
