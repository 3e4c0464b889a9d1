import { describe, expect, it } from 'vitest';
import { KERNEL_ABI_VERSION } from '../contract/taps.js';
import { formatProblem, parseManifest, type ManifestProblem, type ManifestResult } from './manifest.js';

const FILE = 'blog.info.toml';

const VALID = `name = "blog"
description = "Blog posts."
version = "1.0.0"
dependencies = ["categories"]

[taps]
implements = ["tap_item_info", "tap_menu"]
weight = 5
`;

function parseBlog(text: string): ManifestResult {
  return parseManifest(text, { file: FILE, expectedName: 'blog' });
}

function errorsOf(result: ManifestResult): ManifestProblem[] {
  if (result.ok) throw new Error(`expected errors, got a manifest: ${JSON.stringify(result.manifest)}`);
  return result.errors;
}

function onlyError(text: string): ManifestProblem {
  const errors = errorsOf(parseBlog(text));
  expect(errors.map((e) => e.message)).toHaveLength(1);
  return errors[0];
}

/** The minimal valid manifest with `extra` appended (or `replace` applied). */
function manifest(extra = '', replace: Record<string, string | null> = {}): string {
  const base: Record<string, string> = { name: '"blog"', description: '"Blog posts."', version: '"1.0.0"' };
  const lines: string[] = [];
  for (const [key, value] of Object.entries({ ...base, ...replace })) {
    if (value !== null) lines.push(`${key} = ${value}`);
  }
  return `${lines.join('\n')}\n${extra}`;
}

describe('parseManifest: a valid manifest', () => {
  it('returns every field', () => {
    const result = parseBlog(VALID);
    expect(result).toEqual({
      ok: true,
      manifest: {
        name: 'blog',
        description: 'Blog posts.',
        version: '1.0.0',
        abi: 1,
        dependencies: ['categories'],
        taps: { implements: ['tap_item_info', 'tap_menu'], weight: 5 },
      },
      warnings: [],
    });
  });

  it('applies the defaults: abi 1, no dependencies, no taps, weight 0, no memory limit', () => {
    const result = parseBlog(manifest());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.manifest).toEqual({
      name: 'blog',
      description: 'Blog posts.',
      version: '1.0.0',
      abi: KERNEL_ABI_VERSION,
      dependencies: [],
      taps: { implements: [], weight: 0 },
    });
    expect(result.manifest.memory).toBeUndefined();
  });

  it('accepts an explicit abi equal to the kernel one, a negative weight and [memory] max_pages', () => {
    const result = parseBlog(manifest(`abi = 1\n[taps]\nimplements = ["tap_menu"]\nweight = -10\n[memory]\nmax_pages = 16\n`));
    expect(result.ok && result.manifest).toMatchObject({ abi: 1, taps: { weight: -10 }, memory: { maxPages: 16 } });
  });

  it('accepts the name without expectedName', () => {
    const result = parseManifest(manifest(), { file: 'x.info.toml' });
    expect(result.ok && result.manifest.name).toBe('blog');
  });

  it('accepts inline tables and dotted keys', () => {
    const result = parseBlog(manifest(`taps = { implements = ["tap_cron"], weight = 2 }\nmemory.max_pages = 1\n`));
    expect(result.ok && result.manifest).toMatchObject({ taps: { implements: ['tap_cron'], weight: 2 }, memory: { maxPages: 1 } });
  });

  it.each(['1.0.0', '0.0.1', '10.20.30', '1.0.0-beta.1', '1.0.0-alpha', '1.0.0-0.3.7', '1.0.0+20130313144700', '1.0.0-beta+exp.sha.5114f85'])(
    'accepts the semantic version %s',
    (version) => {
      const result = parseBlog(manifest('', { version: JSON.stringify(version) }));
      expect(result.ok && result.manifest.version).toBe(version);
    },
  );
});

describe('parseManifest: name', () => {
  it('is required, and the message suggests the folder name', () => {
    const error = onlyError(manifest('', { name: null }));
    expect(error).toMatchObject({ severity: 'error', plugin: 'blog', file: FILE, key: 'name' });
    expect(error.message).toBe('blog (blog.info.toml): key "name" is required; add name = "blog" at the top of the file.');
  });

  it('must be a string', () => {
    const error = onlyError(manifest('', { name: '42' }));
    expect(error.message).toContain('key "name" must be a string, but found an integer (42).');
  });

  it.each(['Blog', '1blog', 'blog-posts', '_blog', 'a'.repeat(65), ''])('refuses the machine name %j', (name) => {
    const error = onlyError(manifest('', { name: JSON.stringify(name) }));
    expect(error.key).toBe('name');
    expect(error.message).toContain('is not a machine name; use 1 to 64 lowercase letters, digits and underscores, starting with a letter');
  });

  it('suggests a cleaned-up machine name', () => {
    const error = onlyError(manifest('', { name: '"Blog-Posts"' }));
    expect(error.message).toContain('(for example "blog_posts")');
  });

  it('accepts a 64-character name', () => {
    const name = `a${'b'.repeat(63)}`;
    const result = parseManifest(manifest('', { name: JSON.stringify(name) }), { file: `${name}.info.toml`, expectedName: name });
    expect(result.ok).toBe(true);
  });

  it('must equal the folder and file name', () => {
    const error = onlyError(manifest('', { name: '"blogg"' }));
    expect(error.message).toBe(
      'blog (blog.info.toml): key "name": "blogg" does not match the plugin\'s folder and file name "blog"; rename one so they are the same.',
    );
  });

  it('names the file instead of the plugin when no usable name is known', () => {
    const result = parseManifest(manifest('', { name: '"Bad Name"', version: '"x"' }), { file: 'odd.info.toml' });
    const errors = errorsOf(result);
    expect(errors.every((e) => e.plugin === 'odd.info.toml' && e.message.startsWith('odd.info.toml: key '))).toBe(true);
  });

  it('names the plugin from the manifest when expectedName is not given', () => {
    const errors = errorsOf(parseManifest(manifest('', { version: '"1"' }), { file: 'x.info.toml' }));
    expect(errors[0].message.startsWith('blog (x.info.toml): key "version"')).toBe(true);
  });
});

describe('parseManifest: description', () => {
  it('is required', () => {
    expect(onlyError(manifest('', { description: null })).message).toBe(
      'blog (blog.info.toml): key "description" is required; describe what the plugin does in one sentence.',
    );
  });

  it('must be a string', () => {
    expect(onlyError(manifest('', { description: 'true' })).message).toContain(
      'key "description" must be a string, but found a boolean (true).',
    );
  });

  it('must not be empty', () => {
    expect(onlyError(manifest('', { description: '"  "' })).message).toContain('key "description" is empty;');
  });
});

describe('parseManifest: version', () => {
  it('is required', () => {
    expect(onlyError(manifest('', { version: null })).message).toContain('key "version" is required; add a semantic version such as version = "1.0.0".');
  });

  it('gives the example from the brief for "1.0"', () => {
    expect(onlyError(manifest('', { version: '"1.0"' })).message).toBe(
      'blog (blog.info.toml): key "version": "1.0" is not a semantic version; write it as MAJOR.MINOR.PATCH, for example "1.0.0".',
    );
  });

  it.each(['v1.0.0', '01.0.0', '1.0.0-', '1.0.0-01', '1.0.0+', '1.0', '1', 'latest', '1.0.0.0'])('refuses %j', (version) => {
    expect(onlyError(manifest('', { version: JSON.stringify(version) })).message).toContain('is not a semantic version');
  });

  it('explains a number written without quotes', () => {
    expect(onlyError(manifest('', { version: '1.0' })).message).toContain(
      'key "version" must be a string, but found a float (1.0); write it in quotes as MAJOR.MINOR.PATCH, for example "1.0.0".',
    );
  });
});

describe('parseManifest: abi', () => {
  it('refuses another ABI and says which one the kernel implements', () => {
    const error = onlyError(manifest('abi = 2\n'));
    expect(error.key).toBe('abi');
    expect(error.message).toBe(
      `blog (blog.info.toml): key "abi": the plugin asks for ABI 2, but this kernel implements ABI ${KERNEL_ABI_VERSION}; build the plugin against ABI ${KERNEL_ABI_VERSION} or use a kernel that implements ABI 2.`,
    );
  });

  it('must be an integer, not a string or a float', () => {
    expect(onlyError(manifest('abi = "1"\n')).message).toContain('key "abi" must be an integer, but found a string ("1").');
    expect(onlyError(manifest('abi = 1.0\n')).message).toContain('key "abi" must be an integer, but found a float (1.0); write 1 without the decimal point.');
  });
});

describe('parseManifest: dependencies', () => {
  it('must be an array', () => {
    expect(onlyError(manifest('dependencies = "categories"\n')).message).toContain(
      'key "dependencies" must be an array of plugin names, but found a string ("categories").',
    );
  });

  it('reports each bad entry, with its index', () => {
    const errors = errorsOf(parseBlog(manifest('dependencies = ["categories", 3, "Tags", "categories", "blog"]\n')));
    expect(errors.map((e) => e.key)).toEqual(['dependencies[1]', 'dependencies[2]', 'dependencies[3]', 'dependencies[4]']);
    expect(errors[0].message).toContain('must be a string, but found an integer (3).');
    expect(errors[1].message).toContain('"Tags" is not a plugin machine name');
    expect(errors[2].message).toContain('"categories" is listed more than once; remove the repeat.');
    expect(errors[3].message).toContain('the plugin lists itself ("blog") as a dependency; remove it.');
    expect(errors.every((e) => e.line === 4)).toBe(true);
  });
});

describe('parseManifest: [taps]', () => {
  it('refuses an unknown tap and suggests the nearest known one', () => {
    const error = onlyError(manifest('[taps]\nimplements = ["tap_menu", "tap_item_veiw"]\n'));
    expect(error.key).toBe('taps.implements[1]');
    expect(error.message).toBe('blog (blog.info.toml): key "taps.implements[1]": "tap_item_veiw" is not a known tap; did you mean `tap_item_view`?');
  });

  it('suggests the tap_ prefix when it was left out', () => {
    expect(onlyError(manifest('[taps]\nimplements = ["item_view"]\n')).message).toContain('did you mean `tap_item_view`?');
  });

  it('points to the list of taps when nothing is close', () => {
    expect(onlyError(manifest('[taps]\nimplements = ["render_everything"]\n')).message).toContain(
      '"render_everything" is not a known tap; the known taps are listed in ABI §1.',
    );
  });

  it('refuses duplicate taps and non-string entries', () => {
    const errors = errorsOf(parseBlog(manifest('[taps]\nimplements = ["tap_menu", "tap_menu", false]\n')));
    expect(errors.map((e) => e.message)).toEqual([
      'blog (blog.info.toml): key "taps.implements[1]": "tap_menu" is listed more than once; remove the repeat.',
      'blog (blog.info.toml): key "taps.implements[2]" must be a tap name (string), but found a boolean (false).',
    ]);
  });

  it('requires implements to be an array', () => {
    expect(onlyError(manifest('[taps]\nimplements = "tap_menu"\n')).message).toContain(
      'key "taps.implements" must be an array of tap names, but found a string ("tap_menu").',
    );
  });

  it('requires taps to be a table', () => {
    expect(onlyError(manifest('taps = ["tap_menu"]\n')).message).toContain('key "taps" must be a table ([taps]), but found an array.');
  });

  it('requires weight to be a safe integer', () => {
    expect(onlyError(manifest('[taps]\nweight = 1.5\n')).message).toContain('key "taps.weight" must be an integer, but found a float (1.5).');
    expect(onlyError(manifest('[taps]\nweight = "1"\n')).message).toContain('key "taps.weight" must be an integer, but found a string ("1").');
    expect(onlyError(manifest('[taps]\nweight = 9007199254740993\n')).message).toContain(
      'key "taps.weight": 9007199254740993 is too large; use an integer between',
    );
  });
});

describe('parseManifest: [memory] max_pages (an addition to the ABI)', () => {
  it.each([
    ['0', '0 is out of range'],
    ['65537', '65537 is out of range'],
    ['-1', '-1 is out of range'],
    ['1.5', 'must be an integer, but found a float (1.5)'],
  ])('refuses max_pages = %s', (value, expected) => {
    const error = onlyError(manifest(`[memory]\nmax_pages = ${value}\n`));
    expect(error.key).toBe('memory.max_pages');
    expect(error.message).toContain(expected);
  });

  it('accepts the wasm32 maximum, 65536', () => {
    const result = parseBlog(manifest('[memory]\nmax_pages = 65536\n'));
    expect(result.ok && result.manifest.memory).toEqual({ maxPages: 65536 });
  });

  it('treats an empty [memory] table as no limit', () => {
    const result = parseBlog(manifest('[memory]\n'));
    expect(result.ok && result.manifest.memory).toBeUndefined();
  });

  it('requires memory to be a table', () => {
    expect(onlyError(manifest('memory = 16\n')).message).toContain('key "memory" must be a table ([memory]), but found an integer (16).');
  });
});

describe('parseManifest: [limits] fuel (an addition to the ABI)', () => {
  it.each([
    ['0', '0 is out of range; give a number of instructions per call from 1 to 1000000000'],
    ['1000000001', '1000000001 is out of range'],
    ['2.5', 'must be an integer, but found a float (2.5)'],
  ])('refuses fuel = %s', (value, expected) => {
    const error = onlyError(manifest(`[limits]\nfuel = ${value}\n`));
    expect(error.key).toBe('limits.fuel');
    expect(error.message).toContain(expected);
  });

  it('accepts the kernel maximum, and no [limits] at all', () => {
    const result = parseBlog(manifest('[limits]\nfuel = 1000000000\n'));
    expect(result.ok && result.manifest.limits).toEqual({ fuel: 1_000_000_000 });
    const none = parseBlog(manifest());
    expect(none.ok && none.manifest.limits).toBeUndefined();
  });

  it('warns about an unknown key under [limits]', () => {
    const result = parseBlog(manifest('[limits]\nfeul = 5\n'));
    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => w.message)).toEqual([expect.stringContaining('did you mean `limits.fuel`?')]);
  });
});

describe('parseManifest: unknown keys are warnings', () => {
  it('names the key path and suggests the close known key, in every table', () => {
    const result = parseBlog(manifest('descripton = "typo"\n[taps]\nwieght = 3\n[memory]\nmax_page = 2\n'));
    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => [w.severity, w.key, w.line])).toEqual([
      ['warning', 'descripton', 4],
      ['warning', 'taps.wieght', 6],
      ['warning', 'memory.max_page', 8],
    ]);
    expect(result.warnings.map((w) => w.message)).toEqual([
      'blog (blog.info.toml): key "descripton" is not a manifest key; did you mean `description`?',
      'blog (blog.info.toml): key "taps.wieght" is not a manifest key; did you mean `taps.weight`?',
      'blog (blog.info.toml): key "memory.max_page" is not a manifest key; did you mean `memory.max_pages`?',
    ]);
  });

  it('says a key is ignored when nothing is close', () => {
    const result = parseBlog(manifest('homepage = "https://example.org"\n'));
    expect(result.warnings.map((w) => w.message)).toEqual([
      'blog (blog.info.toml): key "homepage" is not a manifest key; the kernel ignores it; remove it if it is a mistake.',
    ]);
  });

  it('spots a top-level key written after the [taps] header', () => {
    const result = parseBlog(manifest('[taps]\nimplements = ["tap_menu"]\ndependencies = ["categories"]\n'));
    expect(result.ok && result.manifest.dependencies).toEqual([]);
    expect(result.warnings[0].message).toContain(
      'key "taps.dependencies" is not a manifest key; it belongs at the top level; move it above the [taps] table.',
    );
  });

  it('spots a [taps] key written at the top level', () => {
    const result = parseBlog(manifest('weight = 3\n'));
    expect(result.warnings[0].message).toContain('key "weight" is not a manifest key; did you mean `taps.weight`? Put it under the [taps] table.');
  });

  it('reports warnings alongside errors', () => {
    const result = parseBlog(manifest('colour = 1\n', { version: '"1.0"' }));
    expect(result.ok).toBe(false);
    expect(result.warnings.map((w) => w.key)).toEqual(['colour']);
  });
});

describe('parseManifest: collecting every problem', () => {
  it('reports all errors at once, with their lines', () => {
    const text = `name = "blog"
version = "1.0"
abi = 3
dependencies = ["blog"]

[taps]
implements = ["tap_item_veiw"]
weight = "heavy"

[memory]
max_pages = 0
`;
    const errors = errorsOf(parseBlog(text));
    expect(errors.map((e) => [e.key, e.line])).toEqual([
      ['description', undefined],
      ['version', 2],
      ['abi', 3],
      ['dependencies[0]', 4],
      ['taps.implements[0]', 7],
      ['taps.weight', 8],
      ['memory.max_pages', 11],
    ]);
  });

  it('does not take a line inside a multi-line string for a key', () => {
    const text = `name = "blog"
description = """
version = "not this one"
"""
version = "1.0"
`;
    const errors = errorsOf(parseBlog(text));
    expect(errors.map((e) => [e.key, e.line])).toEqual([['version', 5]]);
  });
});

describe('parseManifest: TOML syntax errors', () => {
  it('become one error with line and column', () => {
    const result = parseBlog('name = "blog"\ndescription = "Blog posts."\nversion = \n');
    const errors = errorsOf(result);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ severity: 'error', plugin: 'blog', file: FILE, key: '', line: 3, column: 11 });
    expect(errors[0].message).toBe(
      'blog (blog.info.toml): the file is not valid TOML: invalid value at line 3, column 11; fix the syntax there and reload.',
    );
  });

  it('name the file when the plugin is not known', () => {
    const errors = errorsOf(parseManifest('[taps\n', { file: 'x.info.toml' }));
    expect(errors[0].message.startsWith('x.info.toml: the file is not valid TOML: ')).toBe(true);
    expect(errors[0].line).toBe(1);
  });

  it('cover duplicate keys', () => {
    const errors = errorsOf(parseBlog('name = "blog"\nname = "blog"\n'));
    expect(errors).toHaveLength(1);
    expect(errors[0].line).toBe(2);
  });
});

describe('formatProblem', () => {
  it('prefixes the severity and the location', () => {
    const errors = errorsOf(parseBlog(manifest('', { version: '"1.0"' })));
    expect(formatProblem(errors[0])).toBe(
      'error [line 3]: blog (blog.info.toml): key "version": "1.0" is not a semantic version; write it as MAJOR.MINOR.PATCH, for example "1.0.0".',
    );
    const syntax = errorsOf(parseBlog('name = \n'));
    expect(formatProblem(syntax[0])).toMatch(/^error \[line 1:8\]: blog \(blog\.info\.toml\): the file is not valid TOML/);
  });
});
