#!/usr/bin/env bash
# virl-base's recipe on the GPU: the three stages (A), and two longer navigation stages from the
# same long-copying checkpoint (B: same mix, 1800 steps; C: more route-reading); probes on CPU.
set -u
start=$SECONDS; deadline=${DEADLINE:-530}
out=${OUT:-/tmp/out}; mkdir -p "$out"; log=/tmp/logs; mkdir -p $log
[ -n "${SKIP_WHEELS:-}" ] || python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD/trainer PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false OMP_NUM_THREADS=3
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee $log/gpu.txt
python3 -c 'import torch, transformers; print("torch", torch.__version__, "transformers", transformers.__version__, torch.cuda.is_available())' | tee -a $log/gpu.txt
left() { echo $((deadline - (SECONDS - start))); }
finished() { [ -f "$1/run.json" ] && grep -q '"status": "finished"' "$1/run.json"; }
steps() { [ -f "$1/metrics.jsonl" ] && grep -c '"kind": "train"' "$1/metrics.jsonl" || echo 0; }
probe() { # checkpoint, name
  [ -d "$1" ] || return 0
  OMP_NUM_THREADS=2 timeout $(( $(left) - 15 )) python3 bench/base_probe.py --task virl-l "$1" --n 8 > $log/probe-$2.txt 2>&1 &
}
python3 -m ptlab pretrain --base virl-base --run-dir /tmp/A --publish-to /tmp/pubA > $log/A.log 2>&1 &
pidA=$!
launched=0; probedA=0; probedBC=0
while [ "$(left)" -gt 20 ]; do
  sleep 10
  echo "t=$((SECONDS-start)) A: copying $(steps /tmp/A/copying) long $(steps /tmp/A/long-copying) nav $(steps /tmp/A/navigation) B $(steps /tmp/B/navigation) C $(steps /tmp/C/navigation)"
  if [ $launched = 0 ] && finished /tmp/A/long-copying; then
    for v in B C; do mkdir -p /tmp/$v; cp -r /tmp/A/copying /tmp/A/long-copying /tmp/$v/; done
    python3 -m ptlab pretrain --base virl-base --config .gpu/nav-1800.ptlab.json --run-dir /tmp/B --publish-to /tmp/pubB > $log/B.log 2>&1 &
    python3 -m ptlab pretrain --base virl-base --config .gpu/nav-1800-reading.ptlab.json --run-dir /tmp/C --publish-to /tmp/pubC > $log/C.log 2>&1 &
    launched=1
  fi
  if [ $probedA = 0 ] && [ -d /tmp/pubA ]; then
    probe /tmp/A/navigation/checkpoints/step-000300 A300; probe /tmp/pubA A600; probedA=1
  fi
  if [ $probedBC = 0 ] && [ -d /tmp/B/navigation/checkpoints/step-000900 ] && [ -d /tmp/C/navigation/checkpoints/step-000900 ]; then
    probe /tmp/B/navigation/checkpoints/step-000900 B900; probe /tmp/C/navigation/checkpoints/step-000900 C900; probedBC=1
  fi
  if [ $probedBC = 1 ] && [ -d /tmp/pubB ] && [ -d /tmp/pubC ]; then
    probe /tmp/pubB B1800; probe /tmp/pubC C1800; probedBC=2
  fi
  if [ $probedBC = 2 ] && ! pgrep -f base_probe >/dev/null; then break; fi
done
pkill -f "ptlab pretrain"; pkill -f base_probe; sleep 2
for r in A B C; do for s in copying long-copying navigation; do [ -f /tmp/$r/$s/metrics.jsonl ] && cp /tmp/$r/$s/metrics.jsonl $log/metrics-$r-$s.jsonl; [ -f /tmp/$r/$s/run.json ] && cp /tmp/$r/$s/run.json $log/run-$r-$s.json; done; done
tar -C /tmp/logs -czf $out/logs.tgz .
for r in A B C; do [ -d /tmp/pub$r ] && tar -C /tmp -cf $out/pub$r.tar pub$r; done
# the latest navigation checkpoints of unfinished variants
for r in B C; do [ -d /tmp/pub$r ] || { last=$(ls -d /tmp/$r/navigation/checkpoints/step-* 2>/dev/null | tail -1); [ -n "$last" ] && tar -C $(dirname $last) -cf $out/last$r.tar $(basename $last); }; done
ls -la $out; echo "total $((SECONDS-start)) s"
