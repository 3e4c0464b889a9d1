/**
 * The playground's code editor: CodeMirror 6 with one tab per file (the AssemblyScript source,
 * highlighted as TypeScript, and the manifest as TOML), and compiler diagnostics shown inline.
 */
import { basicSetup } from 'codemirror';
import { EditorState, type Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { javascript } from '@codemirror/lang-javascript';
import { HighlightStyle, StreamLanguage, syntaxHighlighting } from '@codemirror/language';
import { tags } from '@lezer/highlight';
import { toml } from '@codemirror/legacy-modes/mode/toml';
import { lintGutter, setDiagnostics, type Diagnostic as EditorDiagnostic } from '@codemirror/lint';
import type { Diagnostic } from '../src/build/compile-plugin.js';

export type FileTab = 'source' | 'manifest';

/** Fired (bubbling) on every edit. */
export interface FileChangeDetail {
  tab: FileTab;
  text: string;
}

const LANGUAGES: Record<FileTab, () => Extension> = {
  source: () => javascript({ typescript: true }),
  manifest: () => StreamLanguage.define(toml),
};

/**
 * CodeMirror's default colours, darkened where they fell below WCAG AA contrast (4.5:1) on the
 * editor's white and its light-blue active line: red for invalid code, orange for escapes,
 * green for type names. Replaces the default (basicSetup uses it only as a fallback).
 */
const READABLE_HIGHLIGHT = HighlightStyle.define([
  { tag: tags.meta, color: '#404740' },
  { tag: tags.link, textDecoration: 'underline' },
  { tag: tags.heading, textDecoration: 'underline', fontWeight: 'bold' },
  { tag: tags.emphasis, fontStyle: 'italic' },
  { tag: tags.strong, fontWeight: 'bold' },
  { tag: tags.strikethrough, textDecoration: 'line-through' },
  { tag: tags.keyword, color: '#708' },
  { tag: [tags.atom, tags.bool, tags.url, tags.contentSeparator, tags.labelName], color: '#219' },
  { tag: [tags.literal, tags.inserted], color: '#164' },
  { tag: [tags.string, tags.deleted], color: '#a11' },
  { tag: [tags.regexp, tags.escape, tags.special(tags.string)], color: '#a30' },
  { tag: tags.definition(tags.variableName), color: '#00f' },
  { tag: tags.local(tags.variableName), color: '#30a' },
  { tag: [tags.typeName, tags.namespace], color: '#065' },
  { tag: tags.className, color: '#167' },
  { tag: [tags.special(tags.variableName), tags.macroName], color: '#256' },
  { tag: tags.definition(tags.propertyName), color: '#00c' },
  { tag: tags.comment, color: '#940' },
  { tag: tags.invalid, color: '#c00' },
]);

/**
 * `<playground-editor>`: set `files` and `diagnostics` (of the source file) as properties;
 * listens for nothing, fires `file-change` with a `FileChangeDetail`.
 */
export class PlaygroundEditor extends HTMLElement {
  #view: EditorView | null = null;
  #states = new Map<FileTab, EditorState>();
  #active: FileTab = 'source';
  #diagnostics: Diagnostic[] = [];
  #tabs = document.createElement('div');

  connectedCallback(): void {
    if (this.#view) return;
    this.#tabs.className = 'editor-tabs';
    this.#tabs.setAttribute('role', 'tablist');
    for (const [tab, label] of [['source', 'index.ts'], ['manifest', 'info.toml']] as const) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = label;
      button.dataset.tab = tab;
      button.setAttribute('role', 'tab');
      button.addEventListener('click', () => this.show(tab));
      this.#tabs.append(button);
    }
    const host = document.createElement('div');
    host.className = 'editor-host';
    this.append(this.#tabs, host);
    this.#view = new EditorView({ parent: host, state: this.#stateFor('source', '') });
    this.#markTabs();
  }

  /** Replaces both files (opening a template, a link or a file). */
  setFiles(files: { source: string; manifest: string }): void {
    this.#states.set('source', this.#stateFor('source', files.source));
    this.#states.set('manifest', this.#stateFor('manifest', files.manifest));
    this.#view?.setState(this.#states.get(this.#active) as EditorState);
    this.#applyDiagnostics();
  }

  /** Shows one tab; the other keeps its text, selection and undo history. */
  show(tab: FileTab): void {
    if (!this.#view || tab === this.#active) return;
    this.#states.set(this.#active, this.#view.state);
    this.#active = tab;
    this.#view.setState(this.#states.get(tab) ?? this.#stateFor(tab, ''));
    this.#applyDiagnostics();
    this.#markTabs();
  }

  /** Compiler diagnostics of the source file (1-based line and column), shown inline and in the gutter. */
  set diagnostics(diagnostics: Diagnostic[]) {
    this.#diagnostics = diagnostics;
    this.#applyDiagnostics();
  }

  /** Puts the cursor at a diagnostic (from the list beside the editor). */
  reveal(line: number, column: number): void {
    this.show('source');
    const view = this.#view;
    if (!view || line < 1) return;
    const doc = view.state.doc;
    const at = doc.line(Math.min(line, doc.lines));
    const pos = Math.min(at.from + Math.max(column - 1, 0), at.to);
    view.dispatch({ selection: { anchor: pos }, effects: EditorView.scrollIntoView(pos, { y: 'center' }) });
    view.focus();
  }

  #stateFor(tab: FileTab, text: string): EditorState {
    return EditorState.create({
      doc: text,
      extensions: [
        basicSetup,
        syntaxHighlighting(READABLE_HIGHLIGHT),
        LANGUAGES[tab](),
        // A name for screen readers, and a tab stop axe can see: CodeMirror's content is
        // contenteditable (focusable) but carries no tabindex, so its scroller looks unreachable.
        EditorView.contentAttributes.of({ 'aria-label': tab === 'source' ? 'Plugin source (index.ts)' : 'Plugin manifest (info.toml)', tabindex: '0' }),
        lintGutter(),
        EditorView.updateListener.of((update) => {
          if (!update.docChanged) return;
          const detail: FileChangeDetail = { tab, text: update.state.doc.toString() };
          this.dispatchEvent(new CustomEvent('file-change', { detail, bubbles: true }));
        }),
      ],
    });
  }

  #applyDiagnostics(): void {
    const view = this.#view;
    if (!view) return;
    const doc = view.state.doc;
    const shown: EditorDiagnostic[] =
      this.#active !== 'source'
        ? []
        : this.#diagnostics
            .filter((d) => d.line > 0)
            .map((d) => {
              const line = doc.line(Math.min(d.line, doc.lines));
              const from = Math.min(line.from + Math.max(d.column - 1, 0), line.to);
              // A word-long mark: asc reports a start, and a zero-width mark is hard to see.
              const word = /^\w+/.exec(doc.sliceString(from, line.to))?.[0].length ?? 1;
              return { from, to: Math.min(from + Math.max(word, 1), line.to), severity: d.severity, message: d.message, source: `AS${d.code ?? ''}` };
            });
    view.dispatch(setDiagnostics(view.state, shown));
  }

  #markTabs(): void {
    for (const button of this.#tabs.querySelectorAll('button')) {
      button.setAttribute('aria-selected', String(button.dataset.tab === this.#active));
    }
  }
}

if (!customElements.get('playground-editor')) customElements.define('playground-editor', PlaygroundEditor);

declare global {
  interface HTMLElementTagNameMap {
    'playground-editor': PlaygroundEditor;
  }
}
