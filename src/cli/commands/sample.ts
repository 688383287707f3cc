import { sampleEpisode } from '../../concepts/episode.js';
import { maxEntitiesOf } from '../../concepts/common.js';
import { rngFor } from '../../random/rng.js';
import { serializeEpisode, serializeTruth } from '../../world/interchange.js';
import { familyByName } from '../families.js';
import {
  guarded,
  integerArg,
  truthPathFor,
  UsageError,
  type CliIo,
  writeOutputFile,
} from '../io.js';

export interface SampleArgs {
  concept: string;
  out: string;
  demos?: number;
  queries?: number;
  seed?: number;
  entities?: number;
}

/** The stream an episode of `family` with `seed` is drawn from (shared by `sample` and `demo`). */
export function episodeRng(seed: number, family: string) {
  return rngFor(seed, 'episode', family);
}

/**
 * `concept-ebm sample --concept NAME --out FILE.json`: write an episode in the
 * interchange format and its truth beside it (FILE.truth.json); print both paths.
 */
export async function runSample(args: SampleArgs, io: CliIo): Promise<number> {
  return guarded(io, async () => {
    const family = familyByName(args.concept);
    const demos = integerArg('--demos', args.demos ?? 5, 1);
    const queries = integerArg('--queries', args.queries ?? 10, 0);
    const seed = integerArg('--seed', args.seed ?? 0, Number.MIN_SAFE_INTEGER);
    const entities =
      args.entities === undefined ? undefined : integerArg('--entities', args.entities, 1);
    if (entities !== undefined && entities > maxEntitiesOf(family)) {
      throw new UsageError(
        `--entities ${entities}: ${family.name} draws at most ${maxEntitiesOf(family)} entities a scene`,
      );
    }
    if (entities !== undefined && entities < family.minEntities) {
      throw new UsageError(
        `concept "${family.name}" needs at least ${family.minEntities} entities, got --entities ${entities}`,
      );
    }
    if (!args.out) throw new UsageError("required option '--out <file>' not specified");
    const truthPath = truthPathFor(args.out);
    const { episode, truth } = sampleEpisode(family, episodeRng(seed, family.name), {
      demos,
      queries,
      entities,
    });
    await writeOutputFile(args.out, serializeEpisode(episode));
    await writeOutputFile(truthPath, serializeTruth(truth));
    io.stdout(`${args.out}\n${truthPath}\n`);
    return 0;
  });
}
