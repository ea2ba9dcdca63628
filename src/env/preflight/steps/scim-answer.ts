import { credentialHint, type PreflightContext } from '../context.js';
import type { HttpAnswer } from '../http.js';
import type { Explanation } from '../net-errors.js';
import { echoServerText, htmlTitle, looksLikeHtml, readScimError } from '../server-text.js';

/** Headers of every SCIM request of the preflight (RFC 7644 section 3.8, RFC 6750 section 2.1). */
export function scimHeaders(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}`, accept: 'application/scim+json' };
}

/**
 * Explains the answers any SCIM GET can get that are not about the resource itself: a redirect,
 * a refused credential, a web page, a server error. Returns undefined for the answers the
 * calling step must judge itself (2xx JSON, 404, other 4xx).
 */
export function explainCommonAnswer(answer: HttpAnswer, path: string, context: PreflightContext): Explanation | undefined {
  const { status } = answer;
  if (status >= 300 && status < 400) {
    const to = answer.location === undefined ? 'somewhere else' : echoServerText(answer.location.split('?')[0] ?? '', context.secrets);
    return {
      detail: `GET ${path} redirects (${status}) to ${to}`,
      hint: 'a redirect usually means SSO or a proxy in front of the API; put the final SCIM root in SCIM_API_BASE_URL, and make sure the API is not behind a browser login',
    };
  }
  if (status === 401 || status === 403) {
    return {
      detail: `GET ${path} answered ${status} ${status === 401 ? 'Unauthorized' : 'Forbidden'}${serverReason(answer, context.secrets)}`,
      hint: credentialHint(context.settings),
    };
  }
  if (looksLikeHtml(answer.contentType, answer.text)) {
    const title = htmlTitle(answer.text);
    return {
      detail: `GET ${path} answered ${status} with an HTML page${title === undefined ? '' : ` ("${echoServerText(title, context.secrets)}")`}, not SCIM JSON`,
      hint: 'this is not a SCIM endpoint: a login page or a proxy answered; check that SCIM_API_BASE_URL is the SCIM root of the API',
    };
  }
  if (status >= 500) {
    return {
      detail: `GET ${path} answered ${status}${serverReason(answer, context.secrets)}`,
      hint: 'the server is failing; check its logs or status page and retry',
    };
  }
  return undefined;
}

/** ": <why>" from a SCIM error body's detail or a WWW-Authenticate error_description, or nothing. */
export function serverReason(answer: HttpAnswer, secrets: readonly string[]): string {
  const { detail, scimType } = readScimError(answer.json);
  const challenge = answer.wwwAuthenticate === undefined ? undefined : /error_description="([^"]*)"/i.exec(answer.wwwAuthenticate)?.[1];
  const said = detail ?? challenge;
  const parts = [scimType, said === undefined ? undefined : echoServerText(said, secrets)].filter((p) => p !== undefined && p !== '');
  return parts.length === 0 ? '' : `: ${parts.join(', ')}`;
}
