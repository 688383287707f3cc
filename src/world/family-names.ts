/**
 * The names of the concept families: the vocabulary an episode file may use
 * to label its concept (./interchange.ts reads it). The families themselves,
 * their generators and checkers, live in ../concepts/.
 */
export const IDENTIFY_FAMILIES = [
  'square',
  'line',
  'triangle',
  'circle',
  'red',
  'closest',
  'farthest',
  'between',
  'near',
  'count-1',
  'count-2',
  'count-3',
  'count-4+',
] as const;

export const GENERATE_FAMILIES = [
  'make-square',
  'make-line',
  'make-triangle',
  'make-circle',
  'make-red',
  'move-close',
  'move-far',
  'move-between',
  'move-to-square-center',
] as const;

export type IdentifyFamilyName = (typeof IDENTIFY_FAMILIES)[number];
export type GenerateFamilyName = (typeof GENERATE_FAMILIES)[number];
export type FamilyName = IdentifyFamilyName | GenerateFamilyName;

export const FAMILY_NAMES: readonly FamilyName[] = [...IDENTIFY_FAMILIES, ...GENERATE_FAMILIES];

export function isFamilyName(name: string): name is FamilyName {
  return (FAMILY_NAMES as readonly string[]).includes(name);
}
