/** The kernel's own bounds (fuel-scenarios.ts) in Node, on fake-indexeddb. */
import { nodeIndexedDB } from '../../src/kernel/storage/node-indexeddb.js';
import { defineFuelTests } from './fuel-scenarios.js';

defineFuelTests({ indexedDB: nodeIndexedDB() });
