/** The written range's attacks (written-range-scenarios.ts) in Node. */
import { defineWrittenRangeTests } from './written-range-scenarios.js';

defineWrittenRangeTests();
