import { fingerprint } from '../../fingerprint.js';
import { parseBase, type PreflightContext } from '../context.js';
import type { HttpAnswer } from '../http.js';
import { explainNetworkError, type Explanation, type NetTarget } from '../net-errors.js';
import { displayUrl, echoServerText, htmlTitle, isRecord, looksLikeHtml } from '../server-text.js';
import type { StepOutcome } from '../types.js';

type OAuthSettings = Extract<PreflightContext['settings']['auth'], { mode: 'oauth2' }>;

/**
 * Asks the token endpoint for an access token with the client credentials grant
 * (RFC 6749 section 4.4), the client authenticating with HTTP Basic (section 2.3.1). The token
 * becomes the step's value for the SCIM requests; only its type and lifetime are reported.
 */
export async function checkOAuthToken(context: PreflightContext, auth: OAuthSettings, signal: AbortSignal): Promise<StepOutcome<string>> {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (auth.scope !== undefined && auth.scope !== '') form.set('scope', auth.scope);
  const basic = Buffer.from(`${formEncode(auth.clientId)}:${formEncode(auth.clientSecret)}`).toString('base64');
  const target = tokenTarget(auth.tokenUrl, context.settings.timeoutMs);
  if (target === undefined) {
    return { status: 'fail', detail: 'SCIM_OAUTH_TOKEN_URL is not an http(s) URL', hint: 'set SCIM_OAUTH_TOKEN_URL to the token endpoint, e.g. https://idp.example.com/oauth2/token' };
  }
  let answer: HttpAnswer;
  try {
    answer = await context.http.postForm(auth.tokenUrl, form, { authorization: `Basic ${basic}`, accept: 'application/json' }, signal);
  } catch (error) {
    const { detail, hint } = explainNetworkError(error, target);
    return { status: 'fail', detail: `token request: ${detail}`, hint };
  }
  return readTokenAnswer(answer, auth, context.secrets);
}

/**
 * Judges a token endpoint's answer: a JSON body with access_token passes, an RFC 6749
 * section 5.2 error names the variable to fix, anything else means the URL is not a token endpoint.
 */
export function readTokenAnswer(answer: HttpAnswer, auth: OAuthSettings, secrets: readonly string[]): StepOutcome<string> {
  const url = displayUrl(auth.tokenUrl);
  const body = answer.json;
  if (!isRecord(body) || answer.status === 404 || looksLikeHtml(answer.contentType, answer.text)) {
    return { status: 'fail', ...notATokenEndpoint(answer, url, secrets) };
  }
  if (answer.status === 200 && typeof body['access_token'] === 'string' && body['access_token'] !== '') {
    const type = typeof body['token_type'] === 'string' ? echoServerText(body['token_type'], secrets) : undefined;
    const lifetime = body['expires_in'];
    const expires = typeof lifetime === 'number' || typeof lifetime === 'string' ? ` expiring in ${echoServerText(String(lifetime), secrets)} s` : '';
    const detail = `got a ${type === undefined ? 'token without token_type' : `${type} token`}${expires}`;
    if (type !== undefined && type.toLowerCase() !== 'bearer') {
      return { status: 'warn', detail, hint: `token_type is ${type}, but SCIM servers expect Bearer tokens (RFC 6750)`, value: body['access_token'] };
    }
    return { status: 'pass', detail, value: body['access_token'] };
  }
  const code = typeof body['error'] === 'string' ? body['error'] : undefined;
  const said = typeof body['error_description'] === 'string' ? `: ${echoServerText(body['error_description'], secrets)}` : '';
  if (code === undefined) {
    return answer.status === 200
      ? { status: 'fail', detail: `${url} answered 200 without an access_token`, hint: `SCIM_OAUTH_TOKEN_URL is not an OAuth token endpoint; use the token_endpoint of the provider's /.well-known/openid-configuration` }
      : { status: 'fail', detail: `token endpoint answered ${answer.status}${said}`, hint: statusHint(answer.status, auth) };
  }
  return { status: 'fail', ...explainOAuthError(code, `${echoServerText(code, secrets)}${said}`, auth) };
}

/** RFC 6749 section 5.2 error codes, each tied to the variable that most likely needs a change. */
function explainOAuthError(code: string, said: string, auth: OAuthSettings): Explanation {
  switch (code) {
    case 'invalid_client':
      return {
        detail: `token endpoint rejects the client credentials (${said})`,
        hint: clientHint(auth),
      };
    case 'invalid_scope':
      return {
        detail: `token endpoint rejects the scope (${said})`,
        hint:
          auth.scope === undefined
            ? 'set SCIM_OAUTH_SCOPE: this endpoint requires a scope (Entra ID wants <resource>/.default)'
            : `check SCIM_OAUTH_SCOPE=${auth.scope}: the client is not granted it, or the endpoint expects another format (Entra ID wants <resource>/.default)`,
      };
    case 'unauthorized_client':
      return {
        detail: `the client may not use the client_credentials grant (${said})`,
        hint: `enable the client credentials grant for SCIM_OAUTH_CLIENT_ID=${auth.clientId} in the identity provider`,
      };
    case 'unsupported_grant_type':
      return { detail: `token endpoint does not support client_credentials (${said})`, hint: 'use a token endpoint that issues client_credentials tokens, or switch SCIM_AUTH_MODE to bearer' };
    case 'invalid_request':
      return {
        detail: `token endpoint calls the request malformed (${said})`,
        hint: 'the endpoint may want the client credentials in the form body (client_secret_post) or extra parameters (audience, resource); scimsim sends HTTP Basic as RFC 6749 2.3.1 recommends',
      };
    default:
      return { detail: `token endpoint refuses the request (${said})`, hint: `check SCIM_OAUTH_TOKEN_URL, SCIM_OAUTH_CLIENT_ID and SCIM_OAUTH_SCOPE` };
  }
}

function clientHint(auth: OAuthSettings): string {
  const secret = auth.clientSecret === '' ? '(empty)' : fingerprint(auth.clientSecret);
  return `check SCIM_OAUTH_CLIENT_ID=${auth.clientId} and SCIM_OAUTH_CLIENT_SECRET (${secret}): the secret may have expired or been rotated, or belong to another client`;
}

function statusHint(status: number, auth: OAuthSettings): string {
  if (status === 401) return clientHint(auth);
  if (status >= 500) return 'the identity provider is failing; retry later or check its status';
  return 'check SCIM_OAUTH_TOKEN_URL, SCIM_OAUTH_CLIENT_ID and SCIM_OAUTH_SCOPE';
}

function notATokenEndpoint(answer: HttpAnswer, url: string, secrets: readonly string[]): Explanation {
  const title = htmlTitle(answer.text);
  const what = looksLikeHtml(answer.contentType, answer.text)
    ? `an HTML page${title === undefined ? '' : ` ("${echoServerText(title, secrets)}")`}`
    : 'a body that is not JSON';
  return {
    detail: `${url} answered ${answer.status} with ${answer.status === 404 ? 'Not Found' : what}`,
    hint: `SCIM_OAUTH_TOKEN_URL is not an OAuth token endpoint; use the token_endpoint of the provider's /.well-known/openid-configuration`,
  };
}

function tokenTarget(raw: string, timeoutMs: number): NetTarget | undefined {
  const parsed = parseBase(raw);
  return parsed === undefined ? undefined : { host: parsed.host, port: parsed.port, variable: 'SCIM_OAUTH_TOKEN_URL', timeoutMs };
}

/** application/x-www-form-urlencoded, which RFC 6749 section 2.3.1 applies to the id and secret before Basic. */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}
