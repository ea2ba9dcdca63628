/**
 * `scimsim/msw`: the embedded SCIM provider as msw request handlers, for a connector's own tests:
 * `setupServer(...createScimHandlers(new ScimProvider(options), origin))`. msw is a peer
 * dependency the caller installs (`npm i -D msw`); the main `scimsim` entry never loads it.
 */
export { createScimHandlers } from './mock/adapters/msw.js';
