#!/bin/sh
# The shipped model (models/default, session 17) is the sum of two energies,
# each trained here.
#
# The first is the lineage of the session-14 model: twenty-nine runs, each
# continuing the last state of the one before. The first ten are the
# session-10 model, which is exported (as it was shipped); the next eight
# branch from that export, with fresh optimiser moments, as they did, and
# make the session-11 model, exported in turn; the next nine branch from that
# one; the last two widen the energy from hidden 64 to 128
# (src/model/grow.ts) and train it. It is exported as the session-14 model.
#
# The second is the first two stages again, from scratch, with the pair
# direction as an input (model.pairDirection): two runs.
#
# Then the export of their sum, E = E_1 + 0.75 E_2 (`export --add`,
# src/model/sum.ts), with the shipped test-time chains. About 250 min of
# training on a 2-core machine (2-3 steps/s at hidden 64, 1.2 at 128). Why
# each stage exists: docs/TRAINING.md, "The shipped model".
#
# usage: sh scripts/train-shipped.sh [RUNS_DIR] [MODEL_DIR]
#   RUNS_DIR   where the runs go (default runs/shipped)
#   MODEL_DIR  where the exported model goes (default RUNS_DIR/model;
#              pass models/default to replace the shipped model)
#   TRAIN_ARGS (environment) more options for every stage's `train`, e.g.
#              TRAIN_ARGS="--set model.pairDirection=true" reruns the lineage
#              with one change (an interrupted stage resumes with its saved
#              config, which holds it)
#   CONFIG_<stage> (environment; the stage's name with - as _) replaces that
#              stage's config, e.g. CONFIG_moves_alone=direction-moves-keep-shapes
#              (stage 5 with the make-shapes kept in the batch, which the pair
#              direction needs there; kept in stages 14 and 16 too, they did
#              not help: docs/TRAINING.md, rows 142-146)
set -e
R=${1:-runs/shipped}
M=${2:-$R/model}
CLI=${CLI:-node dist/cli/main.js}
C=configs/sweep

[ -f dist/cli/main.js ] || npm run build

stage() { # stage NAME CONFIG [FROM: a run under RUNS_DIR, or an export NAME-model there]
  override=CONFIG_$(printf %s "$1" | tr -c 'A-Za-z0-9' _)
  eval "set -- \"\$1\" \"\${$override:-\$2}\" \"\$3\""
  if [ -f "$R/$1/checkpoint/model.json" ] && [ -f "$R/$1.done" ]; then
    echo "== $1: done already"
    return
  fi
  echo "== $1 ($2)"
  if [ -f "$R/$1/checkpoint/model.json" ]; then
    # interrupted: carry on from its last checkpoint, with its saved config
    $CLI train --out "$R/$1" --resume --workers 2
  elif [ -n "$3" ] && [ "${3%-model}" != "$3" ]; then
    $CLI train --config "$C/$2.json" --from "$R/$3" --out "$R/$1" --workers 2 $TRAIN_ARGS
  elif [ -n "$3" ]; then
    $CLI train --config "$C/$2.json" --from "$R/$3/checkpoint" --out "$R/$1" --workers 2 $TRAIN_ARGS
  else
    $CLI train --config "$C/$2.json" --out "$R/$1" --workers 2 $TRAIN_ARGS
  fi
  touch "$R/$1.done"
}

mkdir -p "$R"
# 1. The four make-shapes and the moves, generation only (4 energy outputs, the distance input).
stage shapes make-shapes-moves-gen-only-k4
# 2. All 22 families, the make-shapes' identification term off and their generation x20.
stage mixture shapes-first-x20-decay-k4 shapes
# 3-4. move-between alone, then the rehearsal of all 22 (session 5's remedy).
stage between-alone shapes-first-k4-between-only mixture
stage between-rehearse shapes-first-k4-between-rehearse between-alone
# 5-6. move-between and move-to-square-center alone, then a rehearsal with the shapes at x4.
stage moves-alone shapes-first-k4-moves-alone between-rehearse
stage moves-rehearse shapes-first-k4-moves-rehearse-x4 moves-alone
# 7-10. Four polishing runs: closest, between and count-3 x3; move-between x10, twice;
# then move-to-square-center x10 as well.
stage polish shapes-first-k4-polish moves-rehearse
stage between-focus shapes-first-k4-between-focus polish
stage between-focus-2 shapes-first-k4-between-focus-2 between-focus
stage moves-focus shapes-first-k4-moves-focus between-focus-2

# The session-10 model, as shipped then (the later stages branch from this export).
[ -f "$R/session10-model/model.json" ] ||
  $CLI export "$R/moves-focus/checkpoint" --out "$R/session10-model" --chain x.steps=40 --chain a.steps=20 --chain a.restarts=4
# 11-13. The mask-ranking term (loss.maskRank) at 0.1, then 0.5, then 0.5 with move-between x20.
stage mask-rank-01 mask-rank-01 session10-model
stage mask-rank-05 mask-rank-05 mask-rank-01
stage mask-rank-05-between20 mask-rank-05-between20 mask-rank-05
# 14-17. Twice: the two moves alone, then a rehearsal of all 22 with the term at 0.25.
stage mask-rank-moves-alone mask-rank-moves-alone mask-rank-05-between20
stage mask-rank-rehearse mask-rank-rehearse mask-rank-moves-alone
stage mask-rank-moves-alone-2 mask-rank-moves-alone-2 mask-rank-rehearse
stage mask-rank-rehearse-2 mask-rank-rehearse-2 mask-rank-moves-alone-2
# 18. A polish with make-line's generation x8 (the moves-alone runs had loosened it).
stage mask-rank-polish mask-rank-polish mask-rank-rehearse-2

# The session-11 model, as shipped then: identification runs 16 a-chains at noise 0.3.
[ -f "$R/session11-model/model.json" ] ||
  $CLI export "$R/mask-rank-polish/checkpoint" --out "$R/session11-model" --chain x.steps=40 --chain a.steps=20 --chain a.restarts=16 --chain a.noise=0.3
# 19-20. line and between alone with the term at 1.0, then a rehearsal with them x3.
# (Stage 19 ran on one worker beside other work; two agree with one to rounding.)
stage line-between-alone-rank line-between-alone-rank session11-model
stage line-between-rehearse line-between-rehearse line-between-alone-rank
# 21-22. The six families below the bar alone (line, between, triangle, make-line and the two
# moves), the term at 1.0; then again with move-between x3.
stage weak-six-alone weak-six-alone line-between-rehearse
stage weak-six-alone-2 weak-six-alone-2 weak-six-alone
# 23-24. Rehearsals of all 22 at 5e-5: line, between, triangle x3; then move-to-square-center x20
# and make-line x4.
stage weak-six-rehearse weak-six-rehearse weak-six-alone-2
stage weak-six-rehearse-2 weak-six-rehearse-2 weak-six-rehearse
# 25. A polish at 3e-5 with make-line x8 and make-circle x3.
stage weak-six-polish weak-six-polish weak-six-rehearse-2

# (The session-12 model was the export of stage 25, with the test-time settings below.)
# 26. move-to-square-center x40 at 3e-5.
stage weak-six-square-center weak-six-square-center weak-six-polish
# 27. The contrastive term at 0.5 (0.1 before), at 5e-5.
stage contrastive-half contrastive-half weak-six-square-center

# (The session-13 model was the export of stage 27.)
# 28. Widened to hidden 128 (the new units' weights to old units start at zero, so the energy is
# unchanged), then 1e-4 with line x6 and make-line x8.
stage widen128-line widen128-line contrastive-half
# 29. line x9, make-line x16.
stage widen128-line-2 widen128-line-2 widen128-line

# The session-14 model, as shipped then. Test time (sessions 12-14): 16 a-chains at noise 0.3,
# the answer of lowest energy kept, then polished: 3 rounds of descent over the sets one or two
# entities away.
[ -f "$R/session14-model/model.json" ] ||
  $CLI export "$R/widen128-line-2/checkpoint" --out "$R/session14-model" --chain x.steps=40 --chain a.steps=20 --chain a.restarts=16 --chain a.noise=0.3 --chain a.polish=3

# 30-31. The second energy: stages 1 and 2 from scratch with the pair direction (eps 0.05). It
# learns line and make-line (0.98, 0.99), where the lineage above never passed 0.78 and 0.66.
stage direction-shapes direction-shapes-k4
stage direction-mixture direction-mixture-k4 direction-shapes

# The sum, the second energy weighted 0.75; the codes sit side by side, and each half infers its
# own from the demos. Two energies pull the x-chain harder than one, so it takes 80 steps of 0.1
# (40 of 0.2 before). docs/TRAINING.md, "Two energies summed (session 17)".
$CLI export "$R/session14-model" --add "$R/direction-mixture/checkpoint" --add-weight 0.75 --out "$M" --chain x.steps=80 --chain x.stepSize=0.1 --chain x.shrink=0.3 --chain x.refit=30
echo "model: $M (evaluate: $CLI eval --model $M --episodes 500)"
