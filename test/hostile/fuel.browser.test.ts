/** The kernel's own bounds (fuel-scenarios.ts) in Chromium, on real IndexedDB. */
import { defineFuelTests } from './fuel-scenarios.js';

defineFuelTests({ indexedDB });
