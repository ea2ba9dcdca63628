import { baseTarget, type PreflightContext } from '../context.js';
import type { HttpAnswer } from '../http.js';
import { explainNetworkError } from '../net-errors.js';
import { isRecord, readScimError, schemasOf } from '../server-text.js';
import type { StepOutcome } from '../types.js';
import { explainCommonAnswer, scimHeaders, serverReason } from './scim-answer.js';
import { notFoundHint } from './service-provider-config.js';

const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** A userName no real account has: `scimsim-probe-` and 12 hex digits from `random`. */
export function probeUserName(random: () => number): string {
  let hex = '';
  for (let i = 0; i < 12; i++) hex += Math.floor(random() * 16).toString(16);
  return `scimsim-probe-${hex}`;
}

/**
 * Filters /Users for a userName nobody has, as Entra ID's "Test connection" does, and expects
 * 200 with an empty ListResponse (RFC 7644 section 3.4.2). A read, so it never changes the target.
 * `discoveryStatus` is what ServiceProviderConfig answered, to tell a wrong base URL from a server
 * that answers 404 instead of an empty list.
 */
export async function checkAuthProbe(
  context: PreflightContext,
  token: string,
  userName: string,
  discoveryStatus: number | undefined,
  signal: AbortSignal,
): Promise<StepOutcome> {
  const filter = `userName eq "${userName}"`;
  const url = `${context.base}/Users?filter=${encodeURIComponent(filter)}&count=1`;
  let answer: HttpAnswer;
  try {
    answer = await context.http.get(url, scimHeaders(token), signal);
  } catch (error) {
    return { status: 'fail', ...explainNetworkError(error, baseTarget(context)) };
  }
  return judgeProbe(answer, filter, new URL(url).pathname, discoveryStatus, context);
}

/**
 * Filters /Groups for a displayName nobody has, as Entra ID's Test Connection queries a random
 * group beside a random user ("Tutorial: Develop and plan provisioning for a SCIM endpoint"), and
 * expects 200 with an empty ListResponse, judged as the user probe is.
 */
export async function checkGroupProbe(context: PreflightContext, token: string, displayName: string, discoveryStatus: number | undefined, signal: AbortSignal): Promise<StepOutcome> {
  const filter = `displayName eq "${displayName}"`;
  const url = `${context.base}/Groups?filter=${encodeURIComponent(filter)}&excludedAttributes=members`;
  let answer: HttpAnswer;
  try {
    answer = await context.http.get(url, scimHeaders(token), signal);
  } catch (error) {
    return { status: 'fail', ...explainNetworkError(error, baseTarget(context)) };
  }
  return judgeProbe(answer, filter, new URL(url).pathname, discoveryStatus, context, GROUP);
}

/** What a probe looks for, in its messages. */
interface ProbeSubject {
  noun: string;
  attribute: string;
  matching: string;
}

const USER: ProbeSubject = { noun: 'user', attribute: 'userName', matching: 'user matching' };
const GROUP: ProbeSubject = { noun: 'group', attribute: 'displayName', matching: 'group matching' };

/** Judges the probe's answer; pure, so every server behaviour can be reasoned about in isolation. */
export function judgeProbe(answer: HttpAnswer, filter: string, path: string, discoveryStatus: number | undefined, context: PreflightContext, subject: ProbeSubject = USER): StepOutcome {
  const request = `GET ${path}?filter=${filter}`;
  const common = explainCommonAnswer(answer, request, context);
  if (common !== undefined) return { status: 'fail', ...common };
  if (answer.status === 404) {
    if (discoveryStatus === 404) return { status: 'fail', detail: `${request} answered 404 Not Found`, hint: notFoundHint(context.base, path) };
    // Entra ID's "Test connection" fails when a filter that matches nobody gets 404 instead of an
    // empty ListResponse: https://learn.microsoft.com/en-us/answers/questions/1611014
    return {
      status: 'fail',
      detail: `${request} answered 404 instead of 200 with an empty ListResponse`,
      hint: `the server must answer 200 with totalResults 0 when no ${subject.noun} matches (RFC 7644 section 3.4.2); Entra ID test connection and ${subject.matching} fail on this 404`,
    };
  }
  if (answer.status === 400) {
    const { scimType } = readScimError(answer.json);
    return {
      status: 'fail',
      detail: `${request} answered 400${serverReason(answer, context.secrets)}`,
      hint:
        scimType === 'invalidFilter' || scimType === undefined
          ? `the server does not support filtering on ${subject.attribute} (eq); identity providers match ${subject.noun}s this way, so provisioning would create duplicates or fail`
          : `the server refuses a plain ${subject.attribute} filter; check its filter and paging support`,
    };
  }
  if (answer.status !== 200 || !isRecord(answer.json)) {
    return {
      status: 'fail',
      detail: `${request} answered ${answer.status}${isRecord(answer.json) ? serverReason(answer, context.secrets) : ' without a JSON body'}`,
      hint: 'expected 200 with an empty ListResponse; check SCIM_API_BASE_URL and the server logs',
    };
  }
  const total = answer.json['totalResults'];
  if (typeof total !== 'number') {
    return { status: 'fail', detail: `${request} answered 200 without totalResults`, hint: `the server must answer a ListResponse (${LIST_RESPONSE}, RFC 7644 section 3.4.2)` };
  }
  if (total > 0) {
    return {
      status: 'fail',
      detail: `${request} found ${total} ${subject.noun}(s) for a ${subject.attribute} nobody has: the filter is ignored`,
      hint: 'a server that ignores filters makes identity providers match the wrong account; fix filter support (RFC 7644 section 3.4.2.2) before provisioning',
    };
  }
  if (!schemasOf(answer.json).includes(LIST_RESPONSE)) {
    return { status: 'warn', detail: 'empty list, but without the ListResponse schema URN', hint: `the server omits "schemas": ["${LIST_RESPONSE}"]; strict clients may refuse it` };
  }
  return { status: 'pass', detail: `filter ${filter} answered an empty ListResponse` };
}
