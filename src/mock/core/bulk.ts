import { SCHEMA, type JsonObject, type JsonValue } from '../../scim/types.js';
import type { RouteContext } from './context.js';
import { ScimHttpError, badRequest } from './errors.js';
import { jsonReply, type Reply } from './http.js';

/** Runs one bulk operation through the provider's normal routing. */
export type BulkDispatch = (method: string, path: string, body: JsonObject | undefined, headers: Record<string, string>) => Reply;

/**
 * RFC 7644 section 3.7: POST /Bulk runs its operations in order, resolves `bulkId:` references
 * to the ids created earlier in the same request, and stops after `failOnErrors` errors.
 */
export function runBulk(ctx: RouteContext, body: JsonObject, bodyBytes: number, dispatch: BulkDispatch): Reply {
  const limits = ctx.profile.capabilities.bulk;
  if (limits === false) throw new ScimHttpError(501, 'Bulk is not supported by this server');
  const schemas = Array.isArray(body.schemas) ? body.schemas : [];
  if (!schemas.includes(SCHEMA.bulkRequest)) throw badRequest('invalidSyntax', `schemas must be [${SCHEMA.bulkRequest}]`);
  const operations = Array.isArray(body.Operations) ? body.Operations : undefined;
  if (!operations) throw badRequest('invalidSyntax', 'Operations must be an array');
  if (operations.length > limits.maxOperations) {
    throw new ScimHttpError(413, `the bulk request has ${operations.length} operations; the maximum is ${limits.maxOperations}`);
  }
  if (bodyBytes > limits.maxPayloadSize) {
    throw new ScimHttpError(413, `the bulk request has ${bodyBytes} bytes; the maximum is ${limits.maxPayloadSize}`);
  }
  const failOnErrors = typeof body.failOnErrors === 'number' ? body.failOnErrors : Infinity;
  const bulkIds = new Map<string, string>();
  const results: JsonObject[] = [];
  let errors = 0;
  for (const raw of operations) {
    if (errors >= failOnErrors) break;
    const result = runOne(raw, bulkIds, dispatch);
    if (Number(result.status) >= 400) errors++;
    results.push(result);
  }
  return jsonReply(200, { schemas: [SCHEMA.bulkResponse], Operations: results });
}

function runOne(raw: JsonValue, bulkIds: Map<string, string>, dispatch: BulkDispatch): JsonObject {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || typeof raw.method !== 'string' || typeof raw.path !== 'string') {
    return { status: '400', response: badRequest('invalidSyntax', 'each operation needs a method and a path').toBody() as unknown as JsonObject };
  }
  const method = raw.method.toUpperCase();
  const bulkId = typeof raw.bulkId === 'string' ? raw.bulkId : undefined;
  const out: JsonObject = { method };
  if (bulkId !== undefined) out.bulkId = bulkId;
  if (method === 'POST' && bulkId === undefined) {
    return { ...out, status: '400', response: badRequest('invalidSyntax', 'a POST operation needs a bulkId').toBody() as unknown as JsonObject };
  }
  let path: string;
  let data: JsonValue | undefined;
  try {
    path = resolveBulkIds(raw.path, bulkIds) as string;
    data = raw.data === undefined ? undefined : resolveBulkIds(raw.data, bulkIds);
  } catch (error) {
    if (!(error instanceof ScimHttpError)) throw error;
    return { ...out, status: String(error.status), response: error.toBody() as unknown as JsonObject };
  }
  const headers: Record<string, string> = typeof raw.version === 'string' ? { 'if-match': raw.version } : {};
  const reply = dispatch(method, path, data !== null && typeof data === 'object' && !Array.isArray(data) ? data : undefined, headers);
  out.status = String(reply.status);
  const location = reply.headers?.location;
  if (location) out.location = location;
  if (reply.headers?.etag) out.version = reply.headers.etag;
  if (reply.status >= 400 && reply.body !== undefined && typeof reply.body !== 'string') out.response = reply.body;
  // A created resource may come back as its JSON text (the reply fast path); read its id either way.
  if (method === 'POST' && bulkId !== undefined && reply.status === 201 && reply.body !== undefined) {
    const created = typeof reply.body === 'string' ? (JSON.parse(reply.body) as JsonObject) : reply.body;
    if (typeof created.id === 'string') bulkIds.set(bulkId, created.id);
  }
  return out;
}

/** Replaces `bulkId:<id>` strings (RFC 7644 section 3.7.2) with the ids created so far. */
function resolveBulkIds(value: JsonValue, bulkIds: Map<string, string>): JsonValue {
  if (typeof value === 'string') {
    return value.replace(/bulkId:([\w.-]+)/g, (_m, id: string) => {
      const resolved = bulkIds.get(id);
      if (resolved === undefined) throw new ScimHttpError(409, `bulkId ${id} is not defined by an earlier operation`, 'invalidValue');
      return resolved;
    });
  }
  if (Array.isArray(value)) return value.map((v) => resolveBulkIds(v, bulkIds));
  if (value !== null && typeof value === 'object') {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolveBulkIds(v, bulkIds);
    return out;
  }
  return value;
}
