/**
 * Small real plugins (WAT) for the site tests: each does one precise thing a test needs, so a
 * failure points at the site service, not at a plugin.
 */
import { constantJson, watPlugin, watString } from '../../test/support/wat-plugin.js';
import type { PluginSource } from '../kernel/plugin/loader.js';
import { nodeIndexedDB } from '../kernel/storage/node-indexeddb.js';
import { openSiteStore, type SiteStore } from '../kernel/storage/site-store.js';
import { openSite, type Site } from './site.js';

const utf8 = new TextEncoder();

/** Data segments placing each string at its offset, and each string's byte length. */
function segments(strings: Record<number, string>): { data: string; length: (offset: number) => number } {
  const data = Object.entries(strings)
    .map(([offset, text]) => `(data (i32.const ${offset}) "${watString(utf8.encode(text))}")`)
    .join('\n');
  return { data, length: (offset) => utf8.encode(strings[offset]).length };
}

/** A plugin whose taps answer fixed JSON. */
export async function answering(name: string, answers: Record<string, unknown>, extra: { weight?: number; dependencies?: string[] } = {}): Promise<PluginSource> {
  const exports: Record<string, string> = {};
  const fields: string[] = [];
  Object.entries(answers).forEach(([tap, value], i) => {
    if (value === null) {
      exports[tap] = '(i64.const 0)';
      return;
    }
    const constant = constantJson(1024 + i * 4096, JSON.stringify(value));
    exports[tap] = constant.body;
    fields.push(constant.data);
  });
  return watPlugin({ name, exports, fields: fields.join('\n'), ...extra });
}

/** A plugin whose taps trap. */
export function trapping(name: string, taps: string[], weight = 0): Promise<PluginSource> {
  return watPlugin({ name, weight, exports: Object.fromEntries(taps.map((tap) => [tap, '(unreachable)'])) });
}

/**
 * A `tap_item_view_alter` that wraps the render it is given:
 * `{"#type":"container","#attributes":{"data-alter":"<name>"},"inner":<render>}`. It finds the
 * render after `"render":` in its input (the kernel sends `{item, render}`, render last).
 */
export function wrappingAlter(name: string, weight: number): Promise<PluginSource> {
  const prefix = `{"#type":"container","#attributes":{"data-alter":"${name}"},"inner":`;
  const s = segments({ 1024: '"render":', 2048: prefix });
  const plen = s.length(2048);
  return watPlugin({
    name,
    weight,
    fields: `${s.data}
      (func $find (param $p i32) (param $end i32) (result i32)
        (local $i i32) (local $k i32)
        (local.set $i (local.get $p))
        (block $done
          (loop $scan
            (br_if $done (i32.gt_u (i32.add (local.get $i) (i32.const 9)) (local.get $end)))
            (local.set $k (i32.const 0))
            (block $miss
              (loop $cmp
                (br_if $miss (i32.ne (i32.load8_u (i32.add (local.get $i) (local.get $k))) (i32.load8_u (i32.add (i32.const 1024) (local.get $k)))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br_if $cmp (i32.lt_u (local.get $k) (i32.const 9))))
              (return (i32.add (local.get $i) (i32.const 9))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $scan)))
        (unreachable))
      (func $copy (param $dst i32) (param $src i32) (param $n i32)
        (local $i i32)
        (block $d (loop $l
          (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
          (i32.store8 (i32.add (local.get $dst) (local.get $i)) (i32.load8_u (i32.add (local.get $src) (local.get $i))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l))))`,
    exports: {
      tap_item_view_alter: `(local $r i32) (local $rlen i32)
        (local.set $r (call $find (local.get $ptr) (i32.add (local.get $ptr) (local.get $len))))
        (local.set $rlen (i32.sub (i32.sub (i32.add (local.get $ptr) (local.get $len)) (local.get $r)) (i32.const 1)))
        (call $copy (i32.const 8192) (i32.const 2048) (i32.const ${plen}))
        (call $copy (i32.const ${8192 + plen}) (local.get $r) (local.get $rlen))
        (i32.store8 (i32.add (i32.const ${8192 + plen}) (local.get $rlen)) (i32.const 125))
        (i64.or (i64.shl (i64.const 8192) (i64.const 32)) (i64.extend_i32_u (i32.add (local.get $rlen) (i32.const ${plen + 1}))))`,
    },
  });
}

/** Stores each tap's input in a variable named after the tap (`tap_item_insert`, ...). */
export function recordingReactor(name: string, taps: string[]): Promise<PluginSource> {
  const strings: Record<number, string> = {};
  taps.forEach((tap, i) => (strings[1024 + i * 64] = tap));
  const s = segments(strings);
  return watPlugin({
    name,
    imports: '(import "trovato:kernel/variables" "set" (func $set (param i32 i32 i32 i32) (result i32)))',
    fields: s.data,
    exports: Object.fromEntries(
      taps.map((tap, i) => [
        tap,
        `(drop (call $set (i32.const ${1024 + i * 64}) (i32.const ${s.length(1024 + i * 64)}) (local.get $ptr) (local.get $len))) (i64.const 0)`,
      ]),
    ),
  });
}

/**
 * Lifecycle taps that log "<tap> ran"; tap_install also writes a variable and a table row, so
 * uninstalling has data to remove.
 */
export function lifecyclePlugin(name: string, dependencies: string[] = []): Promise<PluginSource> {
  const taps = ['tap_install', 'tap_enable', 'tap_disable', 'tap_uninstall'];
  const strings: Record<number, string> = { 1024: 'info', 1100: 'marker', 1200: 'events', 1300: '{"kind":"installed"}', 1400: '"set"' };
  taps.forEach((tap, i) => (strings[2048 + i * 64] = `${tap} ran`));
  const s = segments(strings);
  const log = (i: number) =>
    `(drop (call $log (i32.const 1024) (i32.const 4) (i32.const 0) (i32.const 0) (i32.const ${2048 + i * 64}) (i32.const ${s.length(2048 + i * 64)})))`;
  return watPlugin({
    name,
    dependencies,
    imports: `(import "trovato:kernel/logging" "log" (func $log (param i32 i32 i32 i32 i32 i32) (result i32)))
      (import "trovato:kernel/variables" "set" (func $set (param i32 i32 i32 i32) (result i32)))
      (import "trovato:kernel/db" "insert" (func $insert (param i32 i32 i32 i32 i32 i32) (result i32)))`,
    fields: s.data,
    exports: {
      tap_install: `${log(0)}
        (drop (call $set (i32.const 1100) (i32.const 6) (i32.const 1400) (i32.const 5)))
        (drop (call $insert (i32.const 1200) (i32.const 6) (i32.const 1300) (i32.const ${s.length(1300)}) (i32.const 0) (i32.const 0)))
        (i64.const 0)`,
      tap_enable: `${log(1)} (i64.const 0)`,
      tap_disable: `${log(2)} (i64.const 0)`,
      tap_uninstall: `${log(3)} (i64.const 0)`,
    },
  });
}

/** An `article` type with one field of every field type. */
export const ARTICLE = {
  machine_name: 'article',
  label: 'Article',
  description: 'A test type with every field type.',
  fields: [
    { field_name: 'body', field_type: 'TextLong', label: 'Body', required: true, cardinality: 1, settings: {} },
    { field_name: 'subtitle', field_type: { Text: { max_length: 10 } }, label: 'Subtitle', required: false, cardinality: 1, settings: {} },
    { field_name: 'count', field_type: 'Integer', label: 'Count', required: false, cardinality: 1, settings: {} },
    { field_name: 'ratio', field_type: 'Float', label: 'Ratio', required: false, cardinality: 1, settings: {} },
    { field_name: 'featured', field_type: 'Boolean', label: 'Featured', required: false, cardinality: 1, settings: {} },
    { field_name: 'due', field_type: 'Date', label: 'Due date', required: false, cardinality: 1, settings: {} },
    { field_name: 'contact', field_type: 'Email', label: 'Contact', required: false, cardinality: 1, settings: {} },
    { field_name: 'related', field_type: { RecordReference: 'article' }, label: 'Related', required: false, cardinality: 2, settings: {} },
    { field_name: 'tags', field_type: { Text: { max_length: null } }, label: 'Tags', required: false, cardinality: -1, settings: {} },
  ],
};

export const NOTE = {
  machine_name: 'note',
  label: 'Note',
  description: '',
  fields: [{ field_name: 'text', field_type: 'TextLong', label: 'Text', required: false, cardinality: 1, settings: {} }],
};

export function typesPlugin(): Promise<PluginSource> {
  return answering('types', { tap_item_info: [ARTICLE, NOTE] });
}

let sites = 0;

/** A fresh site database name, so tests never share data. */
export function siteName(): string {
  return `site-test-${++sites}-${Math.random().toString(36).slice(2)}`;
}

export async function openTestStore(name: string): Promise<SiteStore> {
  return openSiteStore({ name, indexedDB: nodeIndexedDB() });
}

/** A site on a fresh fake-indexeddb database with these plugins. */
export async function testSite(sources: PluginSource[], name = siteName()): Promise<Site> {
  return openSite({ store: await openTestStore(name), sources });
}
