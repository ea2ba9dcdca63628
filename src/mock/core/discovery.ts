import { RESOURCE_TYPES, SCHEMAS, schemaDocument } from '../../scim/schema.js';
import { SCHEMA, type JsonObject } from '../../scim/types.js';
import type { RouteContext } from './context.js';
import { ScimHttpError } from './errors.js';
import { jsonReply, type Reply } from './http.js';

/**
 * RFC 7644 section 4 discovery, truthful for the active profile: what ServiceProviderConfig
 * advertises is what the provider does (PATCH, Bulk, filter.maxResults, sort, ETag).
 */
export function serviceProviderConfig(ctx: RouteContext): Reply {
  const c = ctx.profile.capabilities;
  const bulk = c.bulk === false ? { supported: false, maxOperations: 0, maxPayloadSize: 0 } : { supported: true, ...c.bulk };
  const authenticationSchemes: JsonObject[] = [
    {
      type: 'oauthbearertoken',
      name: 'OAuth Bearer Token',
      description: 'Authentication scheme using the OAuth Bearer Token Standard (RFC 6750)',
      specUri: 'https://www.rfc-editor.org/info/rfc6750',
      primary: true,
    },
  ];
  return jsonReply(200, {
    schemas: [SCHEMA.serviceProviderConfig],
    documentationUri: 'https://github.com/scimsim/scimsim',
    patch: { supported: c.patch },
    bulk,
    filter: { supported: true, maxResults: ctx.profile.limits.maxResults },
    changePassword: { supported: false },
    sort: { supported: c.sort },
    etag: { supported: c.etag },
    authenticationSchemes,
    meta: { resourceType: 'ServiceProviderConfig', location: `${ctx.root}/ServiceProviderConfig` },
  });
}

function resourceTypeDocument(ctx: RouteContext, name: string): JsonObject | undefined {
  const type = RESOURCE_TYPES.find((t) => t.name.toLowerCase() === name.toLowerCase());
  if (!type) return undefined;
  return {
    schemas: [SCHEMA.resourceType],
    id: type.name,
    name: type.name,
    endpoint: type.endpoint,
    description: type.schema.description,
    schema: type.schema.id,
    schemaExtensions: type.extensions.map((e) => ({ schema: e.id, required: false })),
    meta: { resourceType: 'ResourceType', location: `${ctx.root}/ResourceTypes/${type.name}` },
  };
}

/** GET /ResourceTypes and /ResourceTypes/{name} (RFC 7644 section 4). */
export function resourceTypes(ctx: RouteContext, name: string | undefined): Reply {
  if (name !== undefined) {
    const doc = resourceTypeDocument(ctx, name);
    if (!doc) throw new ScimHttpError(404, `resource type ${name} not found`);
    return jsonReply(200, doc);
  }
  const docs = RESOURCE_TYPES.map((t) => resourceTypeDocument(ctx, t.name)).filter((d): d is JsonObject => d !== undefined);
  return jsonReply(200, { schemas: [SCHEMA.listResponse], totalResults: docs.length, startIndex: 1, itemsPerPage: docs.length, Resources: docs });
}

/** GET /Schemas and /Schemas/{urn} (RFC 7644 section 4, RFC 7643 section 7). */
export function schemas(ctx: RouteContext, id: string | undefined): Reply {
  const doc = (s: (typeof SCHEMAS)[number]): JsonObject => schemaDocument(s, `${ctx.root}/Schemas/${s.id}`);
  if (id !== undefined) {
    const schema = SCHEMAS.find((s) => s.id.toLowerCase() === id.toLowerCase());
    if (!schema) throw new ScimHttpError(404, `schema ${id} not found`);
    return jsonReply(200, doc(schema));
  }
  const docs = SCHEMAS.map(doc);
  return jsonReply(200, { schemas: [SCHEMA.listResponse], totalResults: docs.length, startIndex: 1, itemsPerPage: docs.length, Resources: docs });
}
