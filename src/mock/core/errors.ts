import { SCHEMA, type ScimErrorBody, type ScimType } from '../../scim/types.js';

/**
 * A failure the provider answers with an RFC 7644 section 3.12 error body. Thrown inside the
 * provider core and turned into a response at its edge; it never crosses an adapter.
 */
export class ScimHttpError extends Error {
  override readonly name = 'ScimHttpError';
  readonly status: number;
  readonly scimType: ScimType | undefined;
  readonly headers: Record<string, string>;

  constructor(status: number, detail: string, scimType?: ScimType, headers: Record<string, string> = {}) {
    super(detail);
    this.status = status;
    this.scimType = scimType;
    this.headers = headers;
  }

  toBody(): ScimErrorBody {
    const body: ScimErrorBody = { schemas: [SCHEMA.error], status: String(this.status), detail: this.message };
    if (this.scimType !== undefined) body.scimType = this.scimType;
    return body;
  }
}

/** 400 with a scimType: the common case. */
export function badRequest(scimType: ScimType, detail: string): ScimHttpError {
  return new ScimHttpError(400, detail, scimType);
}
