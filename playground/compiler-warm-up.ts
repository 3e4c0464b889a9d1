/**
 * When the playground warms its compiler up after a run (playground-controller.ts), and the mark
 * that says it has: a module of its own, so that the benchmark's Node side can read the mark's
 * name without the page's modules.
 */

/**
 * How long after a run the compiler starts warming up: a person reads a run first, and its
 * first clicks in the preview (the kernel worker's work) need not share two cores with it.
 * Benchmark runs with warm-ups starting at once read the open benchmark (seven playgrounds
 * opened in a row, each closed as its run shows) at 4.7 and 6.6 s against main's 2.8 s; the
 * machine's load swung from 5 to 12 meanwhile, and a closed page's workers were later seen
 * to end within 160 ms even mid warm-up, so that cause is not established.
 */
export const WARM_UP_AFTER_MS = 1000;

/**
 * User Timing mark set each time the compiler's warm-up after a run has ended, done or failed:
 * the playground's benchmark waits for it, so that its own compiles do not share the cores with
 * the page's warm-up.
 */
export const WARM_UP_SETTLED_MARK = 'trovato:playground-warm-up-settled';
