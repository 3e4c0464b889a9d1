/** The host-function tests (scenarios.ts) in Node, on fake-indexeddb. */
import { nodeIndexedDB } from '../../src/kernel/storage/node-indexeddb.js';
import { buildProbeBeforeAll } from './node-probe-build.js';
import { defineHostFunctionTests } from './scenarios.js';

defineHostFunctionTests({ build: buildProbeBeforeAll(), indexedDB: nodeIndexedDB() });
