#!/usr/bin/env bash
# The trainer's GPU checks and benchmarks in one run, for a lent H100/H200 (see the README's
# "GPU numbers"). Uses the machine's own python3 with PyTorch; our pinned transformers,
# tokenizers, peft, liger-kernel and jsonschema travel as wheels in .whl/ (or $WHEELS) when the machine lacks them:
#   pip download --no-deps --only-binary=:all: --python-version 3.12 ... -d .whl \
#     transformers==5.24.0 tokenizers==0.23.3 peft==0.21.2 jsonschema==4.26.0 liger-kernel==0.8.5 \
#     jsonschema-specifications==2025.9.1 referencing==0.37.0 rpds-py==2026.9.1 rfc3339-validator==0.1.4
# Writes every result as JSON lines under ${OUT:-gpu-results}/, each step's in STEP.log, and each
# step's outcome (ok, exit N, stopped, skipped) and seconds in steps.tsv. Arguments name the steps,
# run in the order named; `all` is every step, `issue18` issue 18's table in priority order for a
# short lease (default: all). STEP_TIMEOUT (seconds, default 900) stops a step that runs longer;
# DEADLINE (seconds from the start, default none) caps every step so that the whole run and its
# table end by then: a step is stopped when the deadline comes, and one that would start with
# under MIN_STEP seconds (default 45) left is skipped. A lent GPU's call is short: e.g.
#   OUT=$OUT DEADLINE=540 bash bench/gpu_check.sh issue18     # in a device call of timeout_s 600
# The steps: ALL below (their commands in run()). plan-check needs the paper model's files in
# ${PAPER_MODEL:-paper-model} (bench/paper_model_files.py --out paper-model, made where PyPI is reachable).
set -uo pipefail
cd "$(dirname "$0")/.."
ALL=(trainer-tiny demo-ci ppo-update trainer-0.5b raw-0.5b raw-1.5b generate-0.5b trainer-0.5b-dynamic trainer-0.5b-static
  trainer-0.5b-paged paged-sizes-0.5b trainer-0.5b-compile trainer-0.5b-flex-free trainer-0.5b-flex-free-compile liger-check
  trainer-0.5b-liger rollout-reference rollout-reference-0.5b trainer-0.5b-group trainer-0.5b-group-shared
  trainer-0.5b-head-chunk trainer-1.5b-sft host-syncs plan-check varlen-check trainer-0.5b-varlen-free trainer-1.5b-varlen-free
  trainer-0.5b-varlen-free-compile trainer-0.5b-expandable optimizer-step sampling-draws)
# issue 18's table first: SFT and PPO with the defaults, the plain baseline in the same run, the kvCache choice, the rollout
# ratio, then each way
ISSUE18=(trainer-0.5b raw-0.5b trainer-0.5b-static trainer-0.5b-varlen-free rollout-reference-0.5b trainer-0.5b-liger host-syncs
  varlen-check trainer-0.5b-compile trainer-1.5b-sft trainer-1.5b-varlen-free raw-1.5b trainer-0.5b-paged trainer-0.5b-head-chunk
  liger-check trainer-0.5b-expandable optimizer-step generate-0.5b sampling-draws)
wanted=()
for name in "${@:-all}"; do
  case $name in
    all) wanted+=("${ALL[@]}") ;;
    issue18) wanted+=("${ISSUE18[@]}") ;;
    *) [[ " ${ALL[*]} " == *" $name "* ]] || { echo "gpu_check: no step named '$name'; the steps: ${ALL[*]} (or all, issue18)" >&2; exit 2; }
       wanted+=("$name") ;;
  esac
done
out="${OUT:-gpu-results}"
mkdir -p "$out"
: >"$out/steps.tsv"
wheels=${WHEELS:-.whl}
if compgen -G "$wheels/*.whl" >/dev/null; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/ptlab-site "$wheels"/*.whl || exit 1
  export PYTHONPATH="/tmp/ptlab-site:$PWD/trainer"
else
  export PYTHONPATH="$PWD/trainer"
fi
export PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false
export PTLAB_BENCH_MODELS=${PTLAB_BENCH_MODELS:-/tmp/ptlab-bench-models}  # bench/gpu_trainer.py's random models, built once per size
python=${PYTHON:-python3}
deadline=${DEADLINE:-0}
table_seconds=20  # kept for the table at the end
status=0
outcome() { # name, outcome, seconds: a line of steps.tsv
  printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$out/steps.tsv"
}
step() { # name, command...: runs one check, its output in $out/name.log, timed; stopped after STEP_TIMEOUT s or at DEADLINE
  local name=$1; shift
  local limit=${STEP_TIMEOUT:-900} why="STEP_TIMEOUT"
  if [ "$deadline" -gt 0 ]; then
    local left=$((deadline - SECONDS - table_seconds))
    if [ "$left" -lt "${MIN_STEP:-45}" ]; then
      echo "--- $name: skipped, ${left} s left before DEADLINE ($deadline s)"
      outcome "$name" "skipped (DEADLINE)" 0
      return 0
    fi
    [ "$left" -lt "$limit" ] && limit=$left why="DEADLINE"
  fi
  local started=$SECONDS
  echo "=== $name (at ${started} s, at most ${limit} s)"
  timeout --signal=INT --kill-after=10 "$limit" "$@" 2>&1 | tee "$out/$name.log"
  local rc=${PIPESTATUS[0]} seconds=$((SECONDS - started))
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    echo "--- $name: stopped after $limit s ($why)"
    outcome "$name" "stopped ($why)" "$seconds"
  else
    outcome "$name" "$([ "$rc" -eq 0 ] && echo ok || echo "exit $rc")" "$seconds"
  fi
  echo "--- $name: exit $rc in $seconds s"
  [ "$rc" -eq 0 ] || status=1
}
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
$python -c 'import torch, transformers, peft, accelerate; print("torch", torch.__version__, "transformers", transformers.__version__, "peft", peft.__version__, "accelerate", accelerate.__version__, "cuda", torch.cuda.is_available())'
run() { # name: the step of that name
  local name=$1 paper=${PAPER_MODEL:-paper-model}
  case $name in
    trainer-tiny) step "$name" $python bench/trainer_cpu.py ;;
    demo-ci) step "$name" $python -m ptlab.demo --size ci --out /tmp/ptlab-gpu-demo ;;
    ppo-update) step "$name" $python bench/ppo_update.py --updates 2 ;;
    trainer-0.5b) step "$name" $python bench/gpu_trainer.py --size 0.5b ;;
    raw-0.5b) step "$name" $python bench/gpu_train.py --size 0.5b ;;
    raw-1.5b) step "$name" $python bench/gpu_train.py --size 1.5b ;;
    generate-0.5b) step "$name" $python bench/gpu_generate.py --size 0.5b ;;
    trainer-0.5b-dynamic) step "$name" $python bench/gpu_trainer.py --size 0.5b --jobs ppo --kv-cache dynamic --ppo-updates 4 ;;
    trainer-0.5b-static) step "$name" $python bench/gpu_trainer.py --size 0.5b --jobs ppo --kv-cache static --ppo-updates 4 ;;
    trainer-0.5b-paged) step "$name" $python bench/gpu_trainer.py --size 0.5b --jobs ppo --kv-cache paged --ppo-updates 4 ;;
    # the paged session's forward size against generate's dynamic cache, a GP-L rollout of 64 chats at 0.5B (SDPA)
    paged-sizes-0.5b) step "$name" $python bench/paged_sizes.py --size 0.5b --chats 64 --caps dynamic,16384,4096,1024 ;;
    # issue 18's SFT options, each against trainer-0.5b's defaults: compiled training passes, and
    # padding-free micro-batches under FlexAttention (variable-length attention without flash-attn)
    trainer-0.5b-compile) step "$name" $python bench/gpu_trainer.py --size 0.5b --compile ;;
    trainer-0.5b-flex-free) step "$name" $python bench/gpu_trainer.py --size 0.5b --attention flex_attention --padding-free ;;
    trainer-0.5b-flex-free-compile) step "$name" $python bench/gpu_trainer.py --size 0.5b --jobs sft --attention flex_attention --padding-free --compile ;;
    # and under model.attention "varlen" (PyTorch's own variable-length flash kernel): its results against SDPA's over padded
    # rows in bf16 (the kernel) and fp32 (one SDPA call per sequence), then SFT and PPO with padding-free rows
    varlen-check) step "$name" bash -c "$python bench/varlen_check.py --device cuda --dtype bf16 llama3 qwen2.5 llama3+lora embedded:gp-base && $python bench/varlen_check.py --device cuda llama3 qwen2.5" ;;
    trainer-0.5b-varlen-free) step "$name" $python bench/gpu_trainer.py --size 0.5b --attention varlen --padding-free ;;
    trainer-1.5b-varlen-free) step "$name" $python bench/gpu_trainer.py --size 1.5b --jobs sft --attention varlen --padding-free ;;
    # the defaults under PyTorch's expandable-segments allocator: variable-length batches without a cudaMalloc per new
    # shape (one suspect for the few slow steps stepSeconds shows); against trainer-0.5b in the same run
    trainer-0.5b-expandable) step "$name" env PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True $python bench/gpu_trainer.py --size 0.5b ;;
    # adam.implementation: one AdamW step at 0.5B and 1.5B in bf16 under each kernel (fused is the default)
    optimizer-step) step "$name" $python bench/optimizer_step.py --models 0.5b,1.5b --dtype bf16 ;;
    # evaluation's keyed draws (one uniform per row, inverse CDF) against generate's multinomial, per decoding step
    sampling-draws) step "$name" $python bench/sampling_draws.py --device cuda --dtype bf16 --rows 64,256 ;;
    trainer-0.5b-varlen-free-compile) step "$name" $python bench/gpu_trainer.py --size 0.5b --jobs sft --attention varlen --padding-free --compile ;;
    # model.ligerKernel: its kernels against the model's own code (fp32, then bf16), then the 0.5B SFT and PPO with them
    liger-check) step "$name" bash -c "$python bench/liger_check.py --device cuda llama3 qwen2.5 llama3+lora embedded:gp-base && $python bench/liger_check.py --device cuda --dtype bf16 llama3 qwen2.5" ;;
    trainer-0.5b-liger) step "$name" $python bench/gpu_trainer.py --size 0.5b --liger ;;
    # PPO rollouts against the reference's loop (one step per generate call), same model and GPU: the demo's gp-base, then 0.5B
    rollout-reference) step "$name" $python bench/rollout_reference.py --updates 2 --reference-steps 128 ;;
    rollout-reference-0.5b) step "$name" $python bench/rollout_reference.py --size 0.5b --updates 2 --reference-steps 64 ;;
    # PPO with group advantages (the demo's GRPO-style groups of 4), without and with each group's first prompt read once
    trainer-0.5b-group) step "$name" $python bench/gpu_trainer.py --size 0.5b --jobs ppo --group-size 4 ;;
    trainer-0.5b-group-shared) step "$name" $python bench/gpu_trainer.py --size 0.5b --jobs ppo --group-size 4 --shared-prefixes ;;
    # PPO's LM head in chunks of 1,024 response tokens (ppo.headChunk): peak memory and speed against trainer-0.5b's PPO line
    trainer-0.5b-head-chunk) step "$name" $python bench/gpu_trainer.py --size 0.5b --jobs ppo --head-chunk 1024 ;;
    # issue 18's SFT target at 1.5B (raw-1.5b is its plain-PyTorch baseline)
    trainer-1.5b-sft) step "$name" $python bench/gpu_trainer.py --size 1.5b --jobs sft ;;
    # every synchronizing CUDA call inside the trainer's micro-batches, by place (the embedded tiny model: the count, not the time)
    host-syncs) step "$name" $python bench/host_syncs.py --sft-steps 12 --sft-batch 32 ;;
    plan-check)
      if [ -f "$paper/config.json" ]; then
        # `ptlab plan`'s fake-tensor peaks against the real 11B architecture's (random weights) on this GPU.
        step "$name" $python bench/plan_check.py examples/paper/gp-vl/3-rl.ptlab.json --device cuda --jobs ppo,generate \
          --micro-batch 1 --generate-rows 8 --model-config "$paper/config.json" --tokenizer "$paper"
      else
        echo "--- plan-check: skipped, no $paper/config.json"
        outcome "$name" "skipped (no $paper/config.json)" 0
      fi ;;
  esac
}
for name in "${wanted[@]}"; do run "$name"; done
# issue 18's table and targets from everything in $out (bench/gpu_table.py)
$python bench/gpu_table.py "$out" | tee "$out/table.md"
exit $status
