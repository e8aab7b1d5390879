#!/bin/bash
cd /work/main
while pgrep -f "run-dir /work/virl-long/sft-more " >/dev/null || pgrep -f "virl-long/sft-more.ptlab.json" > /dev/null; do sleep 10; done
for arm in sft-more-seed1:sft ppo-seed1:ppo; do
  name=${arm%%:*}; job=${arm##*:}
  /usr/bin/time -v .venv/bin/python -m ptlab $job --config /work/virl-long/$name.ptlab.json --run-dir /work/virl-long/$name > /work/virl-long/$name.log 2>&1
done
