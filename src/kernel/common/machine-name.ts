/**
 * The one pattern for machine names: plugins, content types, db tables, queues (ABI §1). A
 * message that refuses a name quotes `MACHINE_NAME.source`, so the rule it states is the rule
 * that is checked.
 */
export const MACHINE_NAME = /^[a-z][a-z0-9_]{0,63}$/;

