/** The page side of `npm run bench`: Playwright calls `runBench` with the fixtures. */
import { runCases, type BenchFixtures, type CaseResult } from './cases.js';
import type { PluginSource } from '../src/kernel/plugin/loader.js';
import type { LimitFixtures } from './limit-cases.js';

interface WireSource {
  name: string;
  manifest: string;
  wasm: number[];
}

function fromWire(source: WireSource): PluginSource {
  return { name: source.name, manifest: source.manifest, wasm: new Uint8Array(source.wasm) };
}

declare global {
  interface Window {
    runBench(fixtures: {
      echo: WireSource;
      tenEchoes: WireSource[];
      reference: WireSource[];
      probe: WireSource;
      spinner: WireSource;
      accessRule: WireSource;
      limits: Record<keyof LimitFixtures, WireSource>;
    }, only?: 'fuel'): Promise<CaseResult[]>;
    benchReady: boolean;
  }
}

window.runBench = (wire, only) => {
  const limits = Object.fromEntries(Object.entries(wire.limits).map(([key, source]) => [key, fromWire(source)])) as unknown as LimitFixtures;
  const fixtures: BenchFixtures = {
    echo: fromWire(wire.echo),
    tenEchoes: wire.tenEchoes.map(fromWire),
    reference: wire.reference.map(fromWire),
    probe: fromWire(wire.probe),
    spinner: fromWire(wire.spinner),
    accessRule: fromWire(wire.accessRule),
    limits,
  };
  return runCases(fixtures, { indexedDB }, undefined, only);
};
window.benchReady = true;
