/**
 * The embed frame's kernel worker: the kernel worker, on in-memory storage (see
 * memory-storage.ts, which must be imported first).
 */
import './memory-storage.js';
import '../worker/kernel-worker.js';
