/**
 * Claim: concepts transfer to a robot (docs/METHOD.md). A move-between
 * code inferred from particle-world demos drives a 3-joint arm, whose
 * effector is the agent: Langevin over joint angles through the forward
 * kinematics, no retraining.
 */
import { reachWithArm } from '../../inference/arm.js';
import { EnergyModel } from '../../model/model.js';
import { rngFor } from '../../random/rng.js';
import { sampleEpisode } from '../../training/batch.js';
import { armEffector, DEFAULT_ARM } from '../../world/arm.js';
import { armSvg, pathSvg } from '../../world/arm-svg.js';
import { gridSvg, type Panel } from '../../world/svg.js';
import { ARM_RESTARTS, armChain, armEvent, evaluateArm, evaluateArmStartPose } from '../arm.js';
import { wilson } from '../stats.js';
import { fmt, inferEpisodeCode, markdownTable, verdict, yieldToEventLoop } from './common.js';
import type { Experiment, ExperimentContext } from './types.js';
import { getFamily } from '../../concepts/index.js';

/** A few reaches drawn: start pose faded, end pose solid, the effector's path dashed. */
function reachFigure(ctx: ExperimentContext, count: number): string {
  const chain = armChain(ctx.settings);
  const family = getFamily('move-between');
  const panels: Panel[] = [];
  for (let i = 0; i < count; i++) {
    const rng = rngFor(ctx.seed, 'robot-figure', i);
    const episode = sampleEpisode('move-between', 5, family.defaultEntities, rng.split('demos'));
    const { event, angles } = armEvent(DEFAULT_ARM, rng.split('query'));
    const code = inferEpisodeCode(ctx, episode, rng.split('w'));
    const reach = reachWithArm(
      ctx.model,
      DEFAULT_ARM,
      event.before,
      event.attention,
      code,
      angles,
      chain,
      ctx.settings.attentionLogit,
      rng.split('x'),
      { record: true },
    );
    const path = (reach.trajectory?.angles ?? []).map((a) => armEffector(DEFAULT_ARM, a));
    const verdict = family.check(event.before, event.attention, reach.after);
    panels.push({
      title: `reach ${i + 1}`,
      subtitle: verdict.ok ? 'between: yes' : `between: no (${verdict.error.toFixed(2)})`,
      status: verdict.ok ? 'ok' : 'fail',
      scene: reach.after,
      before: event.before,
      attention: event.attention,
      underlay: (f) =>
        armSvg(DEFAULT_ARM, angles, f, { opacity: 0.3 }) +
        armSvg(DEFAULT_ARM, reach.angles, f) +
        pathSvg(path, f),
    });
  }
  return gridSvg([{ rows: [panels] }], { title: 'Arm reaches, code from particle demos' });
}

export const robotExperiment: Experiment = {
  name: 'robot',
  title: 'Transfer to a robot arm',
  claim:
    'A concept learned in the particle world (move between two points) drives a robot arm with no retraining.',
  async run(ctx) {
    const episodes = ctx.quick ? ctx.episodes : Math.max(ctx.episodes, 500);
    const o = { episodes, demos: 5, seed: ctx.seed };
    ctx.log('robot: trained model');
    const s = evaluateArm(ctx.model, ctx.settings, o);
    await yieldToEventLoop();
    ctx.log('robot: untrained model and zero-step chance');
    const untrained = EnergyModel.init(ctx.model.config, rngFor(ctx.seed, 'untrained-init'));
    const u = evaluateArm(untrained, ctx.settings, o);
    await yieldToEventLoop();
    const c = evaluateArmStartPose(untrained, ctx.settings, o);
    untrained.dispose();
    await yieldToEventLoop();
    const chain = armChain(ctx.settings);
    const ci = wilson(s.successes, s.episodes);
    const table = markdownTable(
      ['policy', 'success', '95% CI', 'mean distance to the midpoint'],
      [
        [
          'trained model, code from particle demos',
          fmt(s.score),
          `[${fmt(ci[0])}, ${fmt(ci[1])}]`,
          fmt(s.meanError, 3),
        ],
        ['untrained model, same chain', fmt(u.score), '', fmt(u.meanError, 3)],
        ['no move (start pose)', fmt(c.score), '', fmt(c.meanError, 3)],
      ],
      ['l', 'r', 'c', 'r'],
    );
    const figure = reachFigure(ctx, ctx.quick ? 2 : 4);
    return {
      name: 'robot',
      title: this.title,
      claim: this.claim,
      setup: [
        `model: ${ctx.modelLabel}; arm: 3 links (${DEFAULT_ARM.links.join(', ')}), joint limits, base at the origin; the agent is the effector`,
        `code from 5 particle-world move-between demos; ${chain.steps} Langevin steps over joint angles (step ${chain.stepSize}, noise ${chain.noise}), from the start pose and ${ARM_RESTARTS - 1} random poses, the final pose of lowest energy kept; ${episodes} reaches, seed ${ctx.seed}`,
        'success: the move-between checker (effector within 0.1 of the midpoint; the others stay put); chance: the start pose kept (no chain, no restarts)',
      ],
      tables: [table],
      plots: [
        {
          file: 'robot.svg',
          caption:
            'Reaches: start pose faded, final pose solid, effector path dashed; halos mark the attended entities.',
          svg: figure,
        },
      ],
      reading: [
        verdict(
          s.score > c.score + 0.1 && s.meanError < c.meanError,
          'a code inferred from particle demos moves the arm toward the goal, with no retraining',
          'the arm does not reach the goal often enough to call the transfer a success',
        ),
        `The arm ends within 0.1 of the midpoint in ${fmt(100 * s.score, 0)}% of reaches (untrained ${fmt(100 * u.score, 0)}%, not moving ${fmt(100 * c.score, 0)}%); its mean distance to the midpoint falls from ${fmt(c.meanError, 2)} to ${fmt(s.meanError, 2)}.`,
      ],
      checks: [
        {
          property: 'the reach brings the effector closer to the midpoint than it started',
          holds: s.meanError < c.meanError,
          detail: `${fmt(s.meanError, 3)} vs ${fmt(c.meanError, 3)} at the start`,
        },
        {
          property: 'the trained model reaches better than the untrained one',
          holds: s.meanError < u.meanError,
          detail: `mean distance ${fmt(s.meanError, 3)} vs ${fmt(u.meanError, 3)}`,
        },
      ],
      data: { trained: s, untrained: u, noMove: c, ci },
    };
  },
};
