// Types of .dependency-cruiser.mjs for the layer test (test/architecture/layers.test.ts).
import type { IConfiguration } from 'dependency-cruiser';

export interface Layer {
  folder: string;
  is: string;
  mayImport: string[];
}
export interface KnownCycle {
  modules: string[];
  why: string;
}
export declare const LAYERS: Layer[];
export declare const KNOWN_CYCLES: KnownCycle[];
export declare function layerConfig(layers: Layer[]): IConfiguration;
declare const config: IConfiguration;
export default config;
