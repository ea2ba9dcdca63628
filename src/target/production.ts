import type { ScimSettings } from '../env/settings.js';
import { UserError } from '../errors/user-error.js';

/**
 * Host patterns that look like production: a label or a `-`/`_` separated word that is `prod`,
 * `production` or `prd`, alone, with digits (`prod1`, `scim-prod01`) or joined to another word
 * (`prodscim`, `scimprod`), as in `scim.prod.example.com`, `scim_prod.example.com`,
 * `api-prd2.example.com`. Words that merely contain the letters (`product`, `produce`) do not
 * count. `--production-pattern` replaces them.
 */
export const DEFAULT_PRODUCTION_PATTERNS = [
  '(^|[.\\-_])[a-z]*prod(uction)?[0-9]*([.\\-_]|$)',
  '(^|[.\\-_])prod(?!uct|uc[ei]|ig)(uction)?[0-9]*[a-z]*([.\\-_]|$)',
  '(^|[.\\-_])prd[0-9]*([.\\-_]|$)',
];

/**
 * Live writes to what looks like production need consent: `SCIM_ENVIRONMENT=production`, or a
 * base URL host matching a pattern, is refused unless `--allow-production <host>` names exactly
 * that host. Throws a UserError (exit 1) that says how to consent.
 */
export function checkLiveConsent(settings: ScimSettings, options: { patterns?: readonly string[] | undefined; allow?: readonly string[] | undefined }): void {
  const host = new URL(settings.baseUrl).hostname.toLowerCase();
  const patterns = options.patterns && options.patterns.length > 0 ? options.patterns : DEFAULT_PRODUCTION_PATTERNS;
  const compiled = patterns.map((p) => {
    try {
      return new RegExp(p, 'i');
    } catch {
      throw new UserError('bad-flags', `Failed to read --production-pattern ${p}: not a regular expression.`);
    }
  });
  const why =
    settings.environment === 'production'
      ? 'SCIM_ENVIRONMENT is production'
      : compiled.some((r) => r.test(host))
        ? `the host ${host} looks like production`
        : undefined;
  if (why === undefined) return;
  if ((options.allow ?? []).some((h) => h.toLowerCase() === host)) return;
  throw new UserError('production-refused', `Refused to write synthetic accounts to ${host}: ${why}.`, {
    hint: `If this really is a target you may write to, name it: --allow-production ${host}`,
  });
}
