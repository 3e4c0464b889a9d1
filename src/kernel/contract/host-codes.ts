/**
 * What a host function returns when it fails (ABI §4), and the failure a host implementation
 * throws to return one: the adapter (host/abi.ts) catches it, keeps its message for
 * `last-error` and hands the plugin the code.
 */
/** ABI §4 error codes. */
export const HostCode = {
  badArguments: -1,
  notFound: -2,
  permissionDenied: -3,
  storageFailure: -4,
  notSupported: -5,
  limitExceeded: -6,
} as const;
export type HostCodeValue = (typeof HostCode)[keyof typeof HostCode];

/**
 * Thrown by host implementations to fail a call with an ABI code. It never reaches the plugin:
 * the adapter catches it, records the message for `last-error` and returns the code.
 */
export class HostFailure extends Error {
  override readonly name = 'HostFailure';
  constructor(
    readonly code: HostCodeValue,
    message: string,
  ) {
    super(message);
  }
}
