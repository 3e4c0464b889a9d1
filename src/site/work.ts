/**
 * The site services read items through the request's unit of work, so a request sees its own
 * writes and the same read model the plugins do.
 */
import { KernelError } from '../kernel/common/errors.js';
import type { RequestSession } from '../kernel/request-session.js';
import { UnitOfWork } from '../kernel/storage/unit-of-work.js';

/** The session's unit of work; the site needs a kernel created with a site store. */
export function workOf(session: RequestSession): UnitOfWork {
  if (session.work instanceof UnitOfWork) return session.work;
  throw new KernelError(
    'STORAGE_FAILURE',
    'The site services need a kernel created with a site store: createKernel({ storage: kernelStorage(await openSiteStore(...)) }).',
  );
}
