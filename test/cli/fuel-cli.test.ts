/**
 * The kernel's own bounds through the `trovato` command, as a user meets them: plugins that
 * loop or sleep make `dispatch` end with a clear error instead of hanging.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trovato, writePlugin } from '../support/run-cli.js';
import { DEFAULT_CALL_FUEL, MAX_INVOKES_PER_REQUEST } from '../../src/kernel/plugin/fuel.js';
import { spinner } from '../hostile/plugins.js';
import { fuelAttacks } from '../hostile/fuel-plugins.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trovato-fuel-cli-'));
  for (const plugin of [await spinner(), await fuelAttacks.startLoop(), await fuelAttacks.initializeLoop(), await fuelAttacks.permLoop(), await fuelAttacks.sleeper(), await fuelAttacks.fanOut()]) {
    await writePlugin(dir, plugin);
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('trovato dispatch with plugins that loop, sleep or fan out', () => {
  it('ends, reporting each bounded plugin with its clear error, and runs the others', async () => {
    const { stdout } = await trovato(['dispatch', 'tap_cron', '--plugins', dir, '--json']);
    const report = JSON.parse(stdout) as { results: Array<{ plugin: string; output: unknown; error?: string }> };
    const byPlugin = Object.fromEntries(report.results.map((r) => [r.plugin, r]));
    expect(byPlugin.spinner.error).toMatch(new RegExp(`^ran out of fuel \\(${DEFAULT_CALL_FUEL} instructions\\) in spinner tap_cron: it may loop forever\\.`));
    expect(byPlugin.sleeper.output).toBe('woke');
    expect(byPlugin.perm_loop).toMatchObject({ output: null });
    expect(byPlugin.perm_loop.error).toBeUndefined();
    expect(byPlugin.fan_out.output).toBe(`plugin-api.invoke: invoke was called ${MAX_INVOKES_PER_REQUEST} times in this request, the most one request may make; call fewer plugins per request.`);
    // Refused at load: they never run.
    expect(byPlugin.start_loop).toBeUndefined();
    expect(byPlugin.init_loop).toBeUndefined();
  });

  it('check names the plugins whose start function or _initialize ran out of fuel, and the tap_perm that did', async () => {
    const { code, stdout } = await trovato(['check', dir, '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { plugins: Array<{ name: string; status: string; errors: string[]; warnings: string[] }> };
    const byName = Object.fromEntries(report.plugins.map((p) => [p.name, p]));
    expect(byName.start_loop).toMatchObject({ status: 'refused', errors: [expect.stringMatching(/^ran out of fuel \(\d+ instructions\) in start_loop start function/)] });
    expect(byName.init_loop).toMatchObject({ status: 'refused', errors: [expect.stringMatching(/^ran out of fuel \(\d+ instructions\) in init_loop _initialize/)] });
    expect(byName.spinner.status).toBe('ok');
    expect(byName.perm_loop).toMatchObject({ status: 'ok', warnings: [expect.stringMatching(/^ran out of fuel \(\d+ instructions\) in perm_loop tap_perm/)] });
  });
});
