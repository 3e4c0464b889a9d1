/** The page side of `npm run bench`: Playwright calls `runBench` with the fixtures. */
import { runCases, type BenchFixtures, type CaseResult } from './cases.js';
import type { PluginSource } from '../src/kernel/plugin/loader.js';

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
    runBench(fixtures: { echo: WireSource; tenEchoes: WireSource[]; reference: WireSource[]; probe: WireSource; accessRule: WireSource }): Promise<CaseResult[]>;
    benchReady: boolean;
  }
}

window.runBench = (wire) => {
  const fixtures: BenchFixtures = { echo: fromWire(wire.echo), tenEchoes: wire.tenEchoes.map(fromWire), reference: wire.reference.map(fromWire), probe: fromWire(wire.probe), accessRule: fromWire(wire.accessRule) };
  return runCases(fixtures, { indexedDB });
};
window.benchReady = true;
