/**
 * The `trovato` command as a user runs it: a real process over real plugin folders (WAT
 * fixtures written to a temporary directory, and the reference plugins in public/plugins).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constantJson, ECHO, watPlugin } from '../support/wat-plugin.js';
import { trovato, writePlugin } from '../support/run-cli.js';
import { COMMANDS } from '../../src/cli/main.js';

// Each run starts a Node process (and the first may bundle the CLI); a loaded CI machine needs
// more than the default 5 s. Tests that compile AssemblyScript set their own, longer timeout.
vi.setConfig({ testTimeout: 30_000 });
const COMPILE_TIMEOUT = 180_000;

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trovato-cli-'));
  const menu = constantJson(16, JSON.stringify([{ path: '/echo/:word', title: 'Echo', callback: 'echo_page' }]));
  await writePlugin(dir, await watPlugin({ name: 'echo', fields: menu.data, exports: { tap_item_view: ECHO, tap_menu: menu.body, echo_page: ECHO } }));
  await writePlugin(dir, await watPlugin({ name: 'needy', dependencies: ['absent'], exports: { tap_item_view: ECHO } }));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('trovato check', () => {
  it('prints every plugin with its status and errors as JSON, and exits 1 when any is refused', async () => {
    const { code, stdout } = await trovato(['check', dir, '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.order).toEqual(['echo']);
    expect(report.plugins).toEqual(
      expect.arrayContaining([
        { name: 'echo', version: '1.0.0', status: 'ok', errors: [], warnings: [] },
        expect.objectContaining({ name: 'needy', status: 'refused', errors: [expect.stringContaining('absent')] }),
      ]),
    );
  });

  it('lists a folder without its wasm as refused, by folder name, saying how to build it', async () => {
    const broken = await mkdtemp(join(tmpdir(), 'trovato-cli-broken-'));
    try {
      await mkdir(join(broken, 'unbuilt'));
      await writeFile(join(broken, 'unbuilt', 'unbuilt.info.toml'), 'name = "unbuilt"');
      const { code, stdout } = await trovato(['check', broken, '--json']);
      expect(code).toBe(1);
      expect(JSON.parse(stdout).plugins).toEqual([
        { name: 'unbuilt', version: '', status: 'refused', errors: [expect.stringContaining('npx trovato build plugins/unbuilt')], warnings: [] },
      ]);
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });

  it('exits 0 on the reference plugins', async () => {
    const { code, stdout } = await trovato(['check', 'public/plugins']);
    expect(stdout).toMatch(/categories/);
    expect(code).toBe(0);
  });

  it('explains a missing directory', async () => {
    const { code, stderr } = await trovato(['check', join(dir, 'nope')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/Cannot read the plugins directory/);
  });
});

describe('trovato dispatch', () => {
  it('reads a large input from standard input and skips refused plugins with a note on stderr', async () => {
    const body = 'ü'.repeat(400_000); // 800 KB: more than a command-line argument may hold
    const { code, stdout, stderr } = await trovato(['dispatch', 'tap_item_view', '--plugins', dir, '--input', '-', '--json'], JSON.stringify({ body }));
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.tap).toBe('tap_item_view');
    expect(result.results).toHaveLength(1);
    expect(result.results[0]).toMatchObject({ plugin: 'echo', output: { body } });
    expect(typeof result.results[0].ms).toBe('number');
    expect(stderr).toMatch(/needy was refused/);
  });

  it('reads input from a file with @', async () => {
    const file = join(dir, 'input.json');
    await writeFile(file, '{"title":"from a file"}');
    const { stdout } = await trovato(['dispatch', 'tap_item_view', '--plugins', dir, '--input', `@${file}`, '--json']);
    expect(JSON.parse(stdout).results[0].output).toEqual({ title: 'from a file' });
  });

  it('rejects input that is not JSON with exit 2 and says where it came from', async () => {
    const { code, stderr } = await trovato(['dispatch', 'tap_item_view', '--plugins', dir, '--input', '{oops']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/The input from --input is not JSON/);
  });
});

describe('trovato route', () => {
  it('prints the matching route with its plugin and parameters', async () => {
    const { code, stdout } = await trovato(['route', '/echo/hi', '--plugins', dir, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      route: { path: '/echo/:word', title: 'Echo', callback: 'echo_page', permission: 'access content', weight: 0, plugin: 'echo' },
      params: { word: 'hi' },
    });
  });

  it('exits 1 with the known routes when nothing matches', async () => {
    const { code, stderr } = await trovato(['route', '/missing', '--plugins', dir]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/No route matches \/missing\. Known routes: \/echo\/:word/);
  });
});

describe('trovato --help', () => {
  it('lists every registered command and exits 0', async () => {
    const { code, stdout } = await trovato(['--help']);
    expect(code).toBe(0);
    for (const command of COMMANDS) expect(stdout).toContain(`trovato ${command.name.padEnd(9)}`);
  });

  it('exits 2 on an unknown command, with the usage', async () => {
    const { code, stderr } = await trovato(['bulid']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/Unknown command "bulid"[\s\S]*trovato build /);
  });
});

describe('trovato dispatch when nothing runs', () => {
  it('exits 1 and says that no enabled plugin implements the tap', async () => {
    const { code, stderr } = await trovato(['dispatch', 'tap_cron', '--plugins', dir]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/no enabled plugin in .* implements tap_cron/);
  });

  it('exits 1 for a tap name that is not known, suggesting the nearest', async () => {
    const { code, stderr } = await trovato(['dispatch', 'tap_item_veiw', '--plugins', dir]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/tap_item_veiw is not a known tap \(did you mean tap_item_view\?\)/);
  });
});

describe('trovato route --render', () => {
  it('runs the callback as the given user and prints the page as text', async () => {
    const anonymous = await trovato(['route', '/hello?name=Ann', '--plugins', 'public/plugins', '--render']);
    expect(anonymous.code).toBe(0);
    expect(anonymous.stdout).toContain('# Hello, Ann!');
    expect(anonymous.stdout).not.toContain('You may see hello secrets.');
    const admin = await trovato(['route', '/hello', '--plugins', 'public/plugins', '--render', '--user', 'administrator']);
    expect(admin.stdout).toContain('You may see hello secrets.');
  });

  it('renders items from --seed, and prints the tree as JSON with --json', async () => {
    const seed = join(dir, 'seed.json');
    const body = { value: 'Doors open at seven.', format: 'plain_text' };
    await writeFile(seed, JSON.stringify([{ item_type: 'blog', title: 'Opening night', fields: { body, slug: { value: 'opening', format: 'plain_text' } } }]));
    const text = await trovato(['route', '/blog/opening', '--plugins', 'public/plugins', '--render', '--seed', seed]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^# Opening night$/m);
    expect(text.stdout).toContain('Doors open at seven.');
    const json = await trovato(['route', '/blog/opening', '--plugins', 'public/plugins', '--render', '--seed', seed, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ '#type': expect.any(String) });
    expect(json.stdout).toContain('Opening night');
  });

  it('exits 1 naming the seed item the site would not save', async () => {
    const seed = join(dir, 'bad-seed.json');
    await writeFile(seed, JSON.stringify([{ item_type: 'blog', title: 'No body', fields: {} }]));
    const { code, stderr } = await trovato(['route', '/blog', '--plugins', 'public/plugins', '--render', '--seed', seed]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/Seed item 1 \("No body", type blog\) was not saved: body: /);
  });
});

describe('trovato new and build', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'trovato-new-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it(
    'creates a plugin that builds, loads and renders; a build the kernel refuses fails; plugins.json keeps plugins built elsewhere',
    async () => {
      const src = join(work, 'plugins');
      const out = join(work, 'out');
      // A plugin built elsewhere (WAT), already listed: building another must not drop it.
      await mkdir(out, { recursive: true });
      await writePlugin(out, await watPlugin({ name: 'walker', exports: { tap_item_view: ECHO } }));
      await writeFile(join(out, 'plugins.json'), JSON.stringify({ plugins: ['walker'] }));

      const created = await trovato(['new', 'events', '--dir', src, '--out', out]);
      expect(created.stderr).toBe('');
      expect(created.code).toBe(0);
      expect(created.stdout).toMatch(/events builds and loads/);
      expect(JSON.parse(await readFile(join(out, 'plugins.json'), 'utf8'))).toEqual({ plugins: ['events', 'walker'] });
      const page = await trovato(['route', '/events', '--plugins', out, '--render']);
      expect(page.stdout).toContain('# Events');
      expect(page.stdout).toContain('This page is /events.');

      // It compiles, but the kernel refuses it (a missing dependency): the build fails and says why.
      const manifest = join(src, 'events', 'events.info.toml');
      await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('version = "0.1.0"', 'version = "0.1.0"\ndependencies = ["absent"]'));
      const refused = await trovato(['build', join(src, 'events'), '--out', out]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/events built, but the kernel refuses to load it:[\s\S]*absent/);

      const again = await trovato(['new', 'events', '--dir', src, '--out', out]);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/already exists/);
    },
    COMPILE_TIMEOUT,
  );
});

describe('trovato cron', () => {
  it('runs tap_cron, then drains the queues it filled, once per --runs, and reports each run as JSON', async () => {
    // kitchen_sink (built by `npm run build:fixtures`) queues one job per cron run.
    const { code, stdout } = await trovato(['cron', '--plugins', join(process.cwd(), 'test/fixtures/build'), '--runs', '2', '--json']);
    expect(code).toBe(0);
    const runs = JSON.parse(stdout) as Array<{ now: number; cron: Array<{ plugin: string }>; queues: unknown[]; errors: string[] }>;
    expect(runs).toHaveLength(2);
    for (const run of runs) {
      expect(run.cron.map((c) => c.plugin)).toContain('kitchen_sink');
      expect(run.queues).toEqual([{ queue: 'ks_jobs', plugin: 'kitchen_sink', processed: 1, failed: 0, dropped: 0, remaining: 0, errors: [] }]);
      expect(run.errors).toEqual([]);
    }
  });

  it('needs --plugins (exit 2, with the usage)', async () => {
    const { code, stderr } = await trovato(['cron']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/trovato cron --plugins <dir>/);
  });
});
