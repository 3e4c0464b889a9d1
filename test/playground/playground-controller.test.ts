/**
 * The playground's state and transitions without a page: PlaygroundController with the
 * AssemblyScript compiler (in Node, as the CLI runs it) and the playground's site services on
 * fake-indexeddb with the reference plugins. The page itself (editor, workers, links in the
 * address bar) is driven by test/playground/playground.e2e.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/build/compile-plugin.js';
import { compilePlugin } from '../../src/build/compile-plugin.js';
import { SDK_FILES } from '../../src/build/browser/sdk-files.js';
import { CompileScheduler } from '../../src/build/browser/compile-scheduler.js';
import { PlaygroundController, type PlaygroundPorts } from '../../playground/playground-controller.js';
import { WARM_UP_SETTLED_MARK } from '../../playground/compiler-warm-up.js';
import { decodeState, encodeState, type PlaygroundState } from '../../playground/share-link.js';
import { stateFromTemplate } from '../../playground/templates.js';
import { NodePlaygroundKernel } from '../support/node-playground-kernel.js';

const PLUGINS_URL = 'https://playground.test/plugins/';

/**
 * The compile worker's work (SDK files beside the plugin, no optimizer, its scheduler), in this
 * process; one warm-up compile in all, so that the file's runs do not each compile four times.
 */
const scheduler = new CompileScheduler((job, signal) => compilePlugin({ ...job, signal }), { budget: 1 });
const job = (name: string, source: string) => {
  const entry = `plugins/${name}/index.ts`;
  return { files: { ...SDK_FILES, [entry]: source }, entry, optimize: false };
};
const nodeCompiler: PlaygroundPorts['compiler'] = {
  async compile(name, source) {
    const compiled = job(name, source);
    const { result, ms } = await scheduler.compile(compiled);
    return { result, entry: compiled.entry, ms };
  },
  warmUpWith: (name, source) => scheduler.warmUp(job(name, source)),
};

const kernels: NodePlaygroundKernel[] = [];
afterEach(async () => {
  await Promise.all(kernels.splice(0).map((kernel) => kernel.close()));
});

/** A controller with what the page would give it, and what the page would have been told. */
function playground(options: { draft?: PlaygroundState; compiler?: PlaygroundPorts['compiler'] } = {}) {
  const kernel = new NodePlaygroundKernel();
  kernels.push(kernel);
  const seen = { updates: 0, files: [] as PlaygroundState[], editorDiagnostics: [] as Diagnostic[][], draft: options.draft ?? null };
  const controller = new PlaygroundController(
    { requestUpdate: () => void seen.updates++, updateComplete: Promise.resolve(true) },
    {
      compiler: options.compiler ?? nodeCompiler,
      kernel,
      pluginsUrl: PLUGINS_URL,
      listReferences: async () => ['blog', 'categories', 'hello', 'notes'],
      drafts: { read: () => seen.draft, write: (state) => void (seen.draft = state) },
      editor: { setFiles: (state) => void seen.files.push(state), showDiagnostics: (diagnostics) => void seen.editorDiagnostics.push(diagnostics) },
    },
  );
  return { controller, kernel, seen };
}

describe('PlaygroundController', () => {
  it('opens the hello template without a link or draft, compiles it, boots it and shows /hello with its trace', async () => {
    const { controller, kernel, seen } = playground();
    await controller.start('');
    const view = controller.view;
    expect(view.status).toBe('ready');
    expect(view.run).toBe(1);
    expect(view.template).toBe('hello');
    expect(seen.files.at(-1)?.source).toBe(stateFromTemplate('hello').source);
    expect(view.response?.result.plugin).toBe('hello');
    expect(view.response?.result.error).toBeUndefined();
    expect(view.routes.some((route) => route.path === '/hello')).toBe(true);
    expect(view.trace.some((entry) => entry.name === 'tap_menu')).toBe(true);
    expect(view.references).toEqual(['blog', 'categories', 'hello', 'notes']);
    expect(kernel.boots).toBe(1);
    expect(seen.updates).toBeGreaterThan(0);
    // The route opened is part of the draft (a reload comes back to it).
    expect(seen.draft).toEqual(view.state);
  });

  it('fails a run that does not compile, lists the errors for the editor, and says the last good build still runs', async () => {
    const { controller, kernel, seen } = playground();
    await controller.start('');
    controller.editFile('source', `${controller.view.state.source}\nexport function broken(): i32 { return "text"; }\n`);
    expect(seen.draft?.source).toContain('broken');
    await controller.run();
    const view = controller.view;
    expect(view.status).toBe('failed');
    const errors = view.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]?.file).toBe('plugins/hello/index.ts');
    expect(seen.editorDiagnostics.at(-1)?.every((d) => d.file === 'plugins/hello/index.ts')).toBe(true);
    expect(view.notices.map((n) => n.text).join(' ')).toMatch(/did not compile: \d+ error\(s\).*still runs the last build of hello/);
    // The preview keeps the last good run.
    expect(view.response?.result.plugin).toBe('hello');
    expect(kernel.boots).toBe(1);
  });

  it('warms the compiler up on the source it compiled once the run has settled, and shows a warm-up that failed', async () => {
    const warmUps: Array<{ name: string; source: string; status: string }> = [];
    let failWith: Error | null = null;
    /** When the last warm-up asked of this controller's compiler ended. */
    let settledAt = Infinity;
    // The mark the playground's benchmark waits for: set once that warm-up has ended, done or failed.
    const markedSince = (at: number) => performance.getEntriesByName(WARM_UP_SETTLED_MARK).some((mark) => mark.startTime >= at);
    const { controller } = playground({
      compiler: {
        compile: nodeCompiler.compile,
        async warmUpWith(name, source) {
          warmUps.push({ name, source, status: controller.view.status });
          settledAt = Infinity;
          try {
            if (failWith) throw failWith;
            return await nodeCompiler.warmUpWith(name, source);
          } finally {
            settledAt = performance.now();
          }
        },
      },
    });
    await controller.start('');
    await expect.poll(() => warmUps).toEqual([{ name: 'hello', source: stateFromTemplate('hello').source, status: 'ready' }]);
    await expect.poll(() => markedSince(settledAt)).toBe(true);
    expect(controller.view.notices.filter((n) => n.kind === 'error')).toEqual([]);

    failWith = new Error('The compiler failed in a warm-up compile: unreachable');
    const edited = `${controller.view.state.source}\n// edited\n`;
    controller.editFile('source', edited);
    await controller.run();
    await expect.poll(() => warmUps.at(-1)).toEqual({ name: 'hello', source: edited, status: 'ready' });
    await expect.poll(() => controller.view.notices.at(-1)?.text).toMatch(/warm-up compile: unreachable\. The next compile may fail the same way/);
    expect(controller.view.notices.at(-1)?.kind).toBe('error');
    await expect.poll(() => markedSince(settledAt)).toBe(true);
  });

  it('refuses a manifest without a machine name before compiling', async () => {
    const { controller, kernel } = playground();
    controller.editFile('manifest', 'name = "Not A Name"\n');
    await controller.run();
    expect(controller.view.status).toBe('failed');
    expect(controller.view.notices.at(-1)?.text).toMatch(/info\.toml needs a `name`/);
    expect(controller.view.diagnostics).toEqual([]);
    expect(kernel.boots).toBe(0);
  });

  it('drops a run overtaken by a newer one: opening blog while hello compiles boots blog only', async () => {
    const { controller, kernel } = playground();
    const first = controller.start('');
    await expect.poll(() => controller.view.status).toBe('compiling');
    controller.openTemplate('blog');
    await first;
    await expect.poll(() => controller.view.status).toBe('ready');
    expect(controller.view.template).toBe('blog');
    expect(controller.view.state.enabled).toEqual(['categories']);
    expect(controller.view.response?.result.plugin).toBe('blog');
    expect(kernel.boots).toBe(1);
  });

  it('keeps the user\'s draft when a link opens another playground, until the user chooses', async () => {
    const draft: PlaygroundState = { ...stateFromTemplate('hello'), route: '/hello?draft=1' };
    const shared: PlaygroundState = { ...stateFromTemplate('hello'), user: 'editor' };
    const { controller, seen } = playground({ draft });
    await controller.start(`#${encodeState(shared)}`);
    expect(controller.view.pendingDraft).toEqual(draft);
    expect(controller.view.notices.map((n) => n.text).join(' ')).toMatch(/Opened a shared playground/);
    expect(controller.view.state.user).toBe('editor');
    controller.editFile('source', `${shared.source}\n// edited`);
    expect(seen.draft).toEqual(draft);
    controller.keepLinkState();
    expect(controller.view.pendingDraft).toBeNull();
    expect(seen.draft?.source).toContain('// edited');
  });

  it('keeps a link made while a run compiles once that run opens the same route', async () => {
    const { controller } = playground();
    const first = controller.start('');
    await expect.poll(() => controller.view.status).toBe('compiling');
    const fragment = await controller.makeLink('https://playground.test/playground/');
    expect(fragment).not.toBeNull();
    const made = controller.view.link;
    await first;
    expect(controller.view.status).toBe('ready');
    expect(controller.view.link).toEqual(made);
    // Opening another route changes what a link would carry, so the shown one goes.
    await controller.navigate('/hello?name=Other');
    expect(controller.view.link).toBeNull();
  });

  it('makes a link whose fragment opens the same playground, and forgets it on the next change', async () => {
    const { controller } = playground();
    await controller.start('');
    const fragment = await controller.makeLink('https://playground.test/playground/');
    expect(fragment).not.toBeNull();
    expect(controller.view.link).toMatchObject({ url: `https://playground.test/playground/#${fragment}`, tooLong: false });
    const opened = decodeState(`#${fragment}`);
    expect(opened.ok && opened.state).toEqual(await controller.shareableState());
    controller.toggleReference('categories', true);
    expect(controller.view.link).toBeNull();
    expect(controller.view.state.enabled).toEqual(['categories']);
    await expect.poll(() => controller.view.status).toBe('ready');
    expect(controller.view.report?.plugins.map((p) => p.name).sort()).toEqual(['categories', 'hello']);
  });
});
