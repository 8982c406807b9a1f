#!/bin/bash
# the reduced scaling study of 2026-12-04 (square 4x4 + 6x6, J2 0 and 0.5, three models, two seeds, 2.5 min each)
cd /work/study
export OPT_OUT_TRACKING=true DJL_OFFLINE=true
java -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -XX:MaxRAMPercentage=50 -Xss8m -jar spinformer.jar \
  nqs scaling --lattice square --sizes 4x4,6x6 --j2 0,0.5 --models 4:1:2,8:1:2,16:2:4 --seeds 1,2 --budget 2.5m \
  --train sampler=metropolis,samples=512,chains=256,discard=2,marshall=true,lr=0.05,momentum=0.9,schedule=constant,diag_shift=1e-3,checkpoint_every=50 \
  --out /work/study/square-2026-12-04 "$@"
