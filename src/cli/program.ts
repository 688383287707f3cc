/**
 * The command line, wired with commander. Each command's logic lives in
 * src/cli/commands/*.ts as a function (args, io) -> exit code; this file only
 * parses arguments. Every error is one line on stderr, `concept-ebm: error: ...`;
 * exit 2 for usage errors, 1 for bad input, 0 when the command ran.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { runCheck } from './commands/check.js';
import { runConcepts } from './commands/concepts.js';
import { runDemo } from './commands/demo.js';
import { runRender } from './commands/render.js';
import { runSample } from './commands/sample.js';
import { runServe } from './commands/serve.js';
import { runAnswer } from './commands/answer.js';
import { runEval } from './commands/eval.js';
import { SHIFT_EPISODES } from '../evaluation/shift-suite.js';
import { PACKAGE_ROOT, runTrain } from './commands/train.js';
import { runExport } from './commands/export.js';
import { runExperimentCommand } from './commands/experiment.js';
import { collect } from './chain-arg.js';
import { EVAL_DEFAULTS } from '../evaluation/evaluate.js';
import { INFERENCE_BACKENDS, type InferenceBackendName } from '../inference/backend.js';
import { EXIT_USAGE, oneLine, printError, PROGRAM, reportError, type CliIo } from './io.js';

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    return String(pkg.version);
  } catch {
    return '0.0.0';
  }
}

function integer(min: number) {
  return (value: string): number => {
    // decimal digits only: Number() would also read "0x10", "1e3" and "0b1"
    const n = /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(
        min === Number.MIN_SAFE_INTEGER ? 'expected an integer.' : `expected an integer >= ${min}.`,
      );
    }
    return n;
  };
}

const anyInteger = integer(Number.MIN_SAFE_INTEGER);

function backendName(value: string): InferenceBackendName {
  if (!(INFERENCE_BACKENDS as readonly string[]).includes(value))
    throw new InvalidArgumentError(`expected one of ${INFERENCE_BACKENDS.join(', ')}.`);
  return value as InferenceBackendName;
}

/** The configs and recipes the package ships, for `train --help`. */
function trainingFilesHelp(): string {
  const list = (dir: string) => {
    try {
      return readdirSync(join(PACKAGE_ROOT, dir))
        .filter((f) => f.endsWith('.json'))
        .map((f) => `${dir}/${f}`);
    } catch {
      return [];
    }
  };
  const recipes = list('recipes').map((f) => f.replace(/^recipes\/(.*)\.json$/, '$1'));
  return (
    `\nRecipes (--recipe NAME): ${recipes.join(', ') || 'none'}.\n` +
    `Configs (--config FILE): ${list('configs').join(', ')}; the shipped recipe's stages in configs/shipped/.\n` +
    'Every config field, with its default: docs/TRAINING.md.\n'
  );
}

function positiveNumber(value: string): number {
  const n = value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number.');
  return n;
}

export function buildProgram(io: CliIo, setCode: (code: number) => void): Command {
  const program = new Command();
  program
    .name(PROGRAM)
    .description(
      'Concept learning with energy-based models (Mordatch 2018): episodes, figures, checks.',
    )
    .version(version(), '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      outputError: (s) => printError(io, oneLine(s).replace(/^error:\s*/, '')),
    })
    .showHelpAfterError(false);

  program
    .command('concepts')
    .description('list the concept families with their kind and a one-line description')
    .option('--json', 'print JSON (name, kind, description, checker, entity counts)')
    .action(async (opts: { json?: boolean }) => setCode(await runConcepts(opts, io)));

  program
    .command('sample')
    .description('sample an episode of one concept; write FILE.json and FILE.truth.json beside it')
    .requiredOption('--concept <name>', 'concept family (see "concept-ebm concepts")')
    .requiredOption('--out <file>', 'episode file to write (the truth goes to FILE.truth.json)')
    .option('--demos <n>', 'demonstration events', integer(1), 5)
    .option('--queries <n>', 'queries', integer(0), 10)
    .option('--seed <s>', 'random seed (integer)', anyInteger, 0)
    .option(
      '--entities <n>',
      "entities per scene (default: the family's; at most 32, 16 for square, line, triangle and circle)",
      integer(1),
    )
    .action(async (opts) => setCode(await runSample(opts, io)));

  program
    .command('render')
    .description('draw an episode as SVG figures (one per demo and query, plus overview.svg)')
    .argument('<file>', 'episode file (its FILE.truth.json, if present, is drawn too)')
    .requiredOption('--out <dir>', 'folder for the SVG files')
    .option('--truth <file>', 'truth file (default: FILE.truth.json beside the episode)')
    .option(
      '--answer <file>',
      'an answer to draw beside each query (judged when the truth is known)',
    )
    .action(async (file: string, opts: { out: string; truth?: string; answer?: string }) =>
      setCode(await runRender({ episode: file, ...opts }, io)),
    );

  program
    .command('check')
    .description(
      'judge an answer with the concept family checker; print ok/error per query and a score',
    )
    .argument('<file>', 'episode file')
    .argument('<answer>', 'answer file (a truth file also works: it is the oracle answer)')
    .option('--truth <file>', 'truth file (default: FILE.truth.json beside the episode)')
    .option('--json', 'print the verdicts as JSON')
    .action(async (file: string, answer: string, opts: { truth?: string; json?: boolean }) =>
      setCode(await runCheck({ episode: file, answer, ...opts }, io)),
    );

  program
    .command('demo')
    .description('sample and draw an episode of every concept family; write DIR/index.html')
    .requiredOption('--out <dir>', 'output folder')
    .option('--seed <s>', 'random seed (integer)', anyInteger, 0)
    .option('--demos <n>', 'demonstration events per episode', integer(1), 5)
    .option('--queries <n>', 'queries per episode', integer(0), 3)
    .option('--entities <n>', "entities per scene (at least each family's minimum)", integer(1))
    .option('--model <dir>', 'model that answers the episodes (default: the shipped model)')
    .option('--no-model', 'only sample and draw the episodes')
    .action(async (opts) =>
      setCode(
        await runDemo(
          {
            ...opts,
            noModel: opts.model === false,
            model: typeof opts.model === 'string' ? opts.model : undefined,
          },
          io,
        ),
      ),
    );

  program
    .command('train')
    .description('train an energy model; checkpoints, best model and per-step logs go to --out')
    .option('--config <file>', 'training config (JSON; every knob, see docs/TRAINING.md)')
    .requiredOption('--out <dir>', 'run folder (checkpoint/, best/, log.jsonl, eval.jsonl)')
    .option('--resume', 'continue from DIR/checkpoint with its saved config')
    .option(
      '--from <dir>',
      "branch: start from another run's checkpoint/ or best/ (parameters, optimiser, step) under --config; a config that turns on model.pairDistance or model.pairDirection, or widens model.hidden, grows the model without changing its energy",
    )
    .option('--steps <n>', 'total training steps (overrides the config)', integer(0))
    .option('--seed <s>', 'random seed (overrides the config)', anyInteger)
    .option(
      '--set <path=value>',
      'override a config field by its dotted path, e.g. model.pairDirection=true (repeatable; value read as JSON)',
      collect,
    )
    .option('--quiet', 'no progress bar: a plain line every --log-every steps')
    .option('--log-every <n>', 'steps between plain progress lines', integer(1), 50)
    .option(
      '--workers <n>',
      'worker threads computing the gradient (default: min(2, cores))',
      integer(1),
    )
    .option(
      '--recipe <name>',
      'run a whole recipe into --out, stage after stage, then write its model: a name in recipes/ (e.g. shipped) or a file; an interrupted recipe carries on when run again',
    )
    .option('--model-out <dir>', 'with --recipe: where the model goes (default OUT/model)')
    .addHelpText('after', () => trainingFilesHelp())
    .action(async (opts) => setCode(await runTrain(opts, io, Boolean(process.stderr.isTTY))));

  program
    .command('export')
    .description('write a model folder from a run or checkpoint, without the optimiser state')
    .argument('<from>', 'run folder (its best/ is used), checkpoint or model folder')
    .requiredOption('--out <dir>', 'model folder to write')
    .option(
      '--chain <knob=value>',
      "store a test-time chain knob as the model's default, e.g. a.steps=20 (repeatable)",
      collect,
    )
    .option(
      '--add <other>',
      "write the sum of the two energies as one model (codes side by side; the first's test-time chains)",
    )
    .option('--add-weight <c>', 'with --add: E = E_first + c E_other (default 1)', positiveNumber)
    .action(
      async (
        from: string,
        opts: { out: string; chain?: string[]; add?: string; addWeight?: number },
      ) =>
        setCode(
          await runExport(
            { from, out: opts.out, chain: opts.chain, add: opts.add, addWeight: opts.addWeight },
            io,
          ),
        ),
    );

  program
    .command('eval')
    .description('score a model per family on fresh episodes, beside chance and an untrained model')
    .option('--model <dir>', 'model folder (default: the shipped model)')
    .option('--families <list>', 'comma-separated families, or identify / generate / all', 'all')
    .option(
      '--episodes <n>',
      `episodes per family (default ${EVAL_DEFAULTS.episodes}); with --suite shift, per cell (default ${SHIFT_EPISODES.full}, --quick ${SHIFT_EPISODES.quick})`,
      integer(1),
    )
    .option(
      '--demos <n>',
      `demonstrations per episode (M) (default ${EVAL_DEFAULTS.demos})`,
      integer(1),
    )
    .option(
      '--steps <k>',
      "test-time Langevin steps for x and a (default: the model's; a's chain answers only above the model's a.enumerate)",
      integer(0),
    )
    .option('--entities <n>', "entities per scene (default: each family's)", integer(1))
    .option('--seed <s>', 'random seed of the evaluation episodes', anyInteger, EVAL_DEFAULTS.seed)
    .option(
      '--json',
      'print JSON: {"families": {NAME: {"score" (strict), "lenientScore", "chance", "untrained", ...}}}',
    )
    .option('--markdown', 'print a markdown table')
    .option(
      '--chain <knob=value>',
      'override a test-time chain knob, e.g. a.steps=20 or x.noise=0 (repeatable)',
      collect,
    )
    .option('--arm', 'also the robot arm reaching between two points (default with --families all)')
    .option('--no-arm', 'skip the robot arm')
    .option(
      '--suite <name>',
      "shift: score every family on scenes unlike training, one axis at a time: entities N (the family's minimum to 12), " +
        'demonstrations M (1 to 10), geometry (sizes below and above the training range, inside what the checker accepts) and ' +
        'colours (unnamed colours jittered by up to 0.1, or a second palette); prints a family x cell table, or with --json ' +
        '{"model", "episodes", "seed", "quick", "cells": [{"family", "axis", "value", "score", "episodes", "low", "high", "lenientScore"}]}',
    )
    .option(
      '--quick',
      `with --suite: N = minimum and 12, M = 1 and 10, ${SHIFT_EPISODES.quick} episodes a cell (a smoke test: seconds on a small model, a few minutes on the shipped one)`,
    )
    .option('--heatmap <file>', 'with --suite: also write the table as a heatmap SVG')
    .option(
      '--backend <name>',
      'where the chains run: kernel (the fast first-order kernel, default) or engine (the tensor engine, batched; the reference)',
      backendName,
    )
    .action(async (opts) => setCode(await runEval(opts, io)));

  program
    .command('experiment')
    .description(
      'run a claim of the paper as numbers: steps, relational, kl, joint, codes, fewshot, robot, entities, compose, shift, or all',
    )
    .argument('<name>', 'experiment name, a comma-separated list, or all')
    .option(
      '--quick',
      'reduced budgets: a smoke test (each experiment well under two minutes on the shipped model)',
    )
    .option('--out <dir>', 'results folder (one sub-folder per experiment)', 'results')
    .option(
      '--page <file>',
      'also write the results page gathering every experiment run (e.g. docs/RESULTS.md)',
    )
    .option('--model <dir>', 'model under study (default: the shipped model)')
    .option(
      '--episodes <n>',
      'evaluation episodes per family and condition (default 200; quick 12)',
      integer(2),
    )
    .option('--seed <s>', 'seed of the evaluation episodes (default 2024)', anyInteger)
    .option(
      '--train-dir <dir>',
      'where experiments train their extra models (reused while the config matches)',
      'runs/experiments',
    )
    .option(
      '--strict',
      'exit 1 when a check of the implementation does not hold (checks of a claim are reported only)',
    )
    .option(
      '--evaluate',
      'with --page: also run the per-family evaluation again (always done with all)',
    )
    .option(
      '--chain <knob=value>',
      "override the model's test-time chain knob, e.g. x.steps=5 (repeatable)",
      collect,
    )
    .action(async (name: string, opts) =>
      setCode(await runExperimentCommand({ name, ...opts }, io)),
    );

  program
    .command('answer')
    .description("infer the concept from an episode's demos and answer its queries (JSON out)")
    .argument('<episode>', 'episode file in the interchange format')
    .option('--model <dir>', 'model folder (default: the shipped model)')
    .option('--trajectory', 'include every chain step in the results')
    .option(
      '--steps <k>',
      "test-time Langevin steps for x and a (default: the model's; a's chain answers only above the model's a.enumerate)",
      integer(0),
    )
    .option('--seed <s>', "seed of the chains' noise", anyInteger, 0)
    .option('--out <file>', 'write the answer here instead of stdout')
    .option(
      '--chain <knob=value>',
      'override a test-time chain knob, e.g. a.steps=20 or x.noise=0 (repeatable)',
      collect,
    )
    .option(
      '--backend <name>',
      'where the chains run: kernel (the fast first-order kernel, default) or engine (the tensor engine; the reference)',
      backendName,
    )
    .action(async (episode: string, opts) => setCode(await runAnswer({ episode, ...opts }, io)));

  program
    .command('serve')
    .description('serve the built browser playground (web/dist) over http on 127.0.0.1')
    .option('--port <p>', 'port (0 picks a free one)', integer(0), 8080)
    .option('--dir <dir>', "folder of static files (default: the package's web/dist)")
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .action(async (opts: { port: number; dir?: string; host: string }) =>
      setCode(await runServe(opts, io)),
    );

  return program;
}

/** Run the command line on `argv` (without node and script); returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.length === 0) {
    printError(io, `missing command (try "${PROGRAM} --help")`);
    return EXIT_USAGE;
  }
  let code = 0;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
      // `help CMD` exits 0; help shown because of an error exits non-zero.
      if (err.code === 'commander.help') return err.exitCode === 0 ? 0 : EXIT_USAGE;
      // commander already printed its one-line message through outputError.
      return EXIT_USAGE;
    }
    return reportError(io, err);
  }
}
