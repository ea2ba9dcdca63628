import { describeAdvertised, readAdvertised } from '../advertised.js';
import { baseTarget, type PreflightContext } from '../context.js';
import type { HttpAnswer } from '../http.js';
import { explainNetworkError } from '../net-errors.js';
import { isRecord, schemasOf } from '../server-text.js';
import type { AdvertisedFeatures, StepOutcome } from '../types.js';
import { explainCommonAnswer, scimHeaders, serverReason } from './scim-answer.js';

export const SPC_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';

/** What the discovery step hands on: the HTTP status (the probe reads a 404 in its light) and the features. */
export interface DiscoveryResult {
  httpStatus: number | undefined;
  advertised: AdvertisedFeatures | undefined;
}

/**
 * GETs {base}/ServiceProviderConfig (RFC 7644 section 4) with the credentials, which checks the
 * base URL, the token and that a SCIM 2.0 server answers, and reads what it advertises.
 */
export async function checkServiceProviderConfig(context: PreflightContext, token: string, signal: AbortSignal): Promise<StepOutcome<DiscoveryResult>> {
  const url = `${context.base}/ServiceProviderConfig`;
  let answer: HttpAnswer;
  try {
    answer = await context.http.get(url, scimHeaders(token), signal);
  } catch (error) {
    return { status: 'fail', ...explainNetworkError(error, baseTarget(context)), value: { httpStatus: undefined, advertised: undefined } };
  }
  return judgeDiscovery(answer, new URL(url).pathname, context);
}

/** Judges the ServiceProviderConfig answer; `path` is what was requested, for the 404 hint. */
export function judgeDiscovery(answer: HttpAnswer, path: string, context: PreflightContext): StepOutcome<DiscoveryResult> {
  const failed = { httpStatus: answer.status, advertised: undefined };
  const common = explainCommonAnswer(answer, path, context);
  if (common !== undefined) return { status: 'fail', ...common, value: failed };
  if (answer.status === 404) {
    return { status: 'fail', detail: `GET ${path} answered 404 Not Found`, hint: notFoundHint(context.base, path), value: failed };
  }
  if (answer.status !== 200) {
    return {
      status: 'fail',
      detail: `GET ${path} answered ${answer.status}${serverReason(answer, context.secrets)}`,
      hint: 'a SCIM 2.0 server answers 200 with its ServiceProviderConfig; check SCIM_API_BASE_URL and the server logs',
      value: failed,
    };
  }
  if (!isRecord(answer.json)) {
    return {
      status: 'fail',
      detail: `GET ${path} answered 200 with ${answer.contentType === '' ? 'a body' : answer.contentType} that is not JSON`,
      hint: 'this is not a SCIM endpoint (a login page? a proxy?); check that SCIM_API_BASE_URL is the SCIM root of the API',
      value: failed,
    };
  }
  const advertised = readAdvertised(answer.json);
  const value = { httpStatus: answer.status, advertised };
  const features = describeAdvertised(advertised);
  if (schemasOf(answer.json).includes(SPC_SCHEMA)) return { status: 'pass', detail: `SCIM 2.0 server: ${features}`, value };
  if (Object.keys(advertised).length > 0) {
    return {
      status: 'warn',
      detail: `answers a ServiceProviderConfig without its schema URN: ${features}`,
      hint: `the server omits "schemas": ["${SPC_SCHEMA}"] (RFC 7643 section 5); strict clients may refuse it`,
      value,
    };
  }
  return {
    status: 'fail',
    detail: `GET ${path} answered JSON that is not a SCIM 2.0 ServiceProviderConfig`,
    hint: 'check that SCIM_API_BASE_URL is the SCIM 2.0 root (SCIM 1.1 servers use /ServiceProviderConfigs)',
    value: failed,
  };
}

/** The 404 hint: the usual cause is a base URL without the /scim/v2 or tenant segment. */
export function notFoundHint(base: string, tried: string): string {
  const suggestion = /\/v2$/i.test(new URL(base).pathname) ? '' : ` (e.g. ${base}/scim/v2)`;
  return `SCIM_API_BASE_URL probably misses /scim/v2 or the tenant segment${suggestion}; tried ${tried}`;
}
