import { allFamilies } from '../families.js';
import { guarded, type CliIo } from '../io.js';

export interface ConceptsArgs {
  json?: boolean;
}

/** `concept-ebm concepts [--json]`: the concept families with their kind and a one-line description. */
export async function runConcepts(args: ConceptsArgs, io: CliIo): Promise<number> {
  return guarded(io, () => {
    const families = allFamilies();
    if (args.json) {
      const rows = families.map((f) => ({
        name: f.name,
        kind: f.kind,
        description: f.description,
        checker: f.checkerDescription,
        defaultEntities: f.defaultEntities,
        minEntities: f.minEntities,
        usesAgent: f.usesAgent,
        ...(f.kind === 'generate' ? { moverRule: f.moverRule } : {}),
        ...(f.geometry ? { geometry: f.geometry } : {}),
      }));
      io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
      return 0;
    }
    const width = Math.max(...families.map((f) => f.name.length));
    for (const f of families) {
      io.stdout(`${f.name.padEnd(width)}  ${f.kind.padEnd(8)}  ${f.description}\n`);
    }
    return 0;
  });
}
