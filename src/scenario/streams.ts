/**
 * Hash and seed streams for per-user decisions. Each decision draws from its own stream, so
 * raising one rate (more long names) changes no other decision (who has a duplicate email).
 */
export const STREAM = {
  names: 1,
  attributes: 2,
  mover: 3,
  unicode: 11,
  longName: 12,
  duplicateEmail: 13,
  missingOptional: 14,
  emailOwner: 15,
  manager: 16,
  rename: 17,
  moverName: 18,
  select: 19,
  load: 20,
} as const;
