import type { Reason, Stage } from './ledger.js';

/**
 * What to do about a reason, in the words of the env catalog: the variable most likely at fault
 * and how to check it. `everywhere` is true when the reason blocks every account.
 */
export function hintFor(reason: Reason, stage: Stage, everywhere: boolean): string {
  const { status, scimType, error } = reason;
  // A create is looked up after a lost reply, so one still blocked found no account of its own.
  if (error === 'timeout' && stage === 'create') return "creates outlived SCIM_TIMEOUT_MS and no account with the run marker was found after the lost replies: raise SCIM_TIMEOUT_MS above the server's slow-tail latency, or allow more SCIM_MAX_RETRIES";
  if (error === 'timeout') return "requests outlived SCIM_TIMEOUT_MS: raise it above the server's slow-tail latency, or lower SCIM_MAX_CONCURRENCY";
  if (error === 'stage-off') return `a variable of your --catalog turns the ${stage} stage off: the client sends nothing there, so what the scenario intends at that stage does not happen; set it to true to rehearse the stage`;
  if (error === 'connector-error') return 'your connector threw or printed an error for this change (see the example accounts): read its message against the variables the connector reads';
  if (error === 'state-mismatch') return 'the server answered success but the read-back shows another state: it accepts the request and does not apply it (see the server profile quirks)';
  if (error === 'foreign-account') return 'an account (or group) with this name already exists on the target without the run marker: scimsim leaves it alone; clean the target or use another SCIM_USERNAME_DOMAIN';
  if (error === 'not-ours') return 'the run refused to change a resource that does not carry its marker (a safety guard, not a server answer)';
  if (error === 'unreadable-reply') return 'the server answered a create with a body that is not a SCIM resource (HTML or broken JSON), and no account with the run marker was found by lookup: a proxy or login page in front of SCIM_API_BASE_URL?';
  if (error === 'request-cap') return '--max-requests stopped the run: raise it, or run fewer --users';
  if (error !== undefined && !everywhere && /^E[A-Z]+$/.test(error)) return `connections failed mid-run (${error}) while other requests were answered: the server or a proxy drops connections under load; SCIM_MAX_RETRIES retries them, and a lower SCIM_MAX_CONCURRENCY eases the load`;
  if (error !== undefined) return `no answer (${error}): check SCIM_API_BASE_URL's host and port, TLS, and that the service is up; SCIM_MAX_RETRIES retries network errors`;
  if (status === 401) return 'the token was rejected: check SCIM_AUTH_TOKEN (or the OAuth client) against what the target accepts now; run scimsim check --connect';
  if (status === 403) return 'the credentials lack permission for this operation: check SCIM_OAUTH_SCOPE or the token’s grants';
  if (status === 404 && everywhere) return 'every request answered 404: SCIM_API_BASE_URL probably misses /scim/v2 or names the wrong tenant (SCIM_TENANT_ID)';
  if (status === 404) return 'the account vanished between steps, or the server routes some paths elsewhere';
  if (status === 400 && scimType === 'tooMany') return "SCIM_PAGE_SIZE is above the server's filter.maxResults: lower it to what ServiceProviderConfig advertises";
  if (status === 400 && scimType === 'invalidFilter') return 'the server cannot filter on SCIM_USER_MATCH_ATTRIBUTE: match on userName instead';
  if (status === 400 && scimType === 'invalidValue' && stage === 'create') return 'the server refuses the account as sent: check SCIM_USERNAME_DOMAIN and required attributes';
  if (status === 400 && (scimType === 'invalidSyntax' || scimType === 'invalidValue')) return 'the server refuses this request shape: compare the --dialect with what the server accepts (capitalised ops, string booleans, path-less PATCH)';
  if (status === 400 && scimType === 'noTarget') return 'the server needs a path in every PATCH operation (Okta-style path-less PATCH is refused)';
  if (status === 409) return 'the account already exists under another match: check SCIM_USER_MATCH_ATTRIBUTE, or duplicate userNames in the source';
  if (status === 412) return 'another writer changed the account between read and write (ETag mismatch)';
  if (status === 405 && stage === 'deactivate') return 'the server forbids DELETE: set SCIM_DEACTIVATION_MODE=patch';
  if (status === 405 || status === 501) return stage === 'update' ? 'the server lacks this update method: switch SCIM_UPDATE_METHOD (patch <-> put)' : 'the server does not support this operation: check SCIM_UPDATE_METHOD and SCIM_DEACTIVATION_MODE against its ServiceProviderConfig';
  if (status === 429) return 'rate limited past SCIM_MAX_RETRIES: lower SCIM_MAX_CONCURRENCY, set SCIM_RATE_LIMIT_RPS below the server limit, or allow more retries';
  if (status !== undefined && status >= 500) return 'the server failed; SCIM_MAX_RETRIES retries 5xx with backoff: allow more retries or investigate the server';
  return 'see the example accounts for the failing request';
}
