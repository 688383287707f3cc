import { FAMILIES } from '../concepts/index.js';
import { FAMILY_NAMES, isFamilyName, type ConceptFamily } from '../concepts/family.js';
import { closest, UsageError } from './io.js';

/** The family of that name, or a usage error naming the closest one. */
export function familyByName(name: string): ConceptFamily {
  if (isFamilyName(name) && FAMILIES[name]) return FAMILIES[name];
  const hint = closest(name, FAMILY_NAMES);
  throw new UsageError(
    `unknown concept "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}; run "concept-ebm concepts" for the list`,
  );
}

/** Every family, in the order of docs/CONCEPTS.md. */
export function allFamilies(): ConceptFamily[] {
  return FAMILY_NAMES.filter((n) => FAMILIES[n]).map((n) => FAMILIES[n]);
}
