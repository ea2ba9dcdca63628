/** SCIM PATCH (RFC 7644 section 3.5.2) over the schema of src/scim/schema.ts. */
export { applyPatch, applyPatchToCopy, type PatchOptions } from './apply.js';
export { resolveTarget, type AttributeTarget, type Target } from './target.js';
