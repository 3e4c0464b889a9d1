/** The written range's attacks (written-range-scenarios.ts) in Chromium. */
import { defineWrittenRangeTests } from './written-range-scenarios.js';

defineWrittenRangeTests();
