/**
 * Resolves in a later task, not a microtask: what was posted to this thread meanwhile (a
 * worker's incoming messages) runs first. A message, not setTimeout: browsers stretch nested
 * timeouts to 4 ms, and a compile yields once per file it reads.
 */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}
