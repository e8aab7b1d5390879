#!/usr/bin/env bash
# The trainer's GPU checks and benchmarks in one run, for a lent H100/H200 (see the README's
# "GPU numbers"). Uses the machine's own python3 with PyTorch; our pinned transformers,
# tokenizers, peft, liger-kernel and jsonschema travel as wheels in .whl/ when the machine lacks them:
#   pip download --no-deps --only-binary=:all: --python-version 3.12 ... -d .whl \
#     transformers==5.24.0 tokenizers==0.23.3 peft==0.21.2 jsonschema==4.26.0 liger-kernel==0.8.5 \
#     jsonschema-specifications==2025.9.1 referencing==0.37.0 rpds-py==2026.9.1 rfc3339-validator==0.1.4
# Writes every result as JSON lines under ${OUT:-gpu-results}/; STEP_TIMEOUT (seconds, default 900)
# stops a step that runs longer (a lent GPU's calls are short). Arguments name the steps to
# run (default: all): trainer-tiny demo-ci ppo-update trainer-0.5b raw-0.5b raw-1.5b generate-0.5b
# trainer-0.5b-dynamic trainer-0.5b-static trainer-0.5b-paged paged-sizes-0.5b trainer-0.5b-compile trainer-0.5b-flex-free
# trainer-0.5b-flex-free-compile liger-check trainer-0.5b-liger rollout-reference rollout-reference-0.5b trainer-0.5b-group trainer-0.5b-group-shared trainer-0.5b-head-chunk plan-check. plan-check needs the paper model's files in
# ${PAPER_MODEL:-paper-model} (bench/paper_model_files.py --out paper-model, made where PyPI is reachable).
set -uo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-gpu-results}"
mkdir -p "$out"
if compgen -G ".whl/*.whl" >/dev/null; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/ptlab-site .whl/*.whl || exit 1
  export PYTHONPATH="/tmp/ptlab-site:$PWD/trainer"
else
  export PYTHONPATH="$PWD/trainer"
fi
export PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false
python=${PYTHON:-python3}
status=0
wanted=" ${*:-all} "
step() { # name, command...: runs one check, its output in $out/name.log, timed; stopped after STEP_TIMEOUT s (default 900)
  local name=$1; shift
  [[ $wanted == *" all "* || $wanted == *" $name "* ]] || return 0
  local started=$SECONDS
  echo "=== $name"
  timeout --signal=INT --kill-after=30 "${STEP_TIMEOUT:-900}" "$@" 2>&1 | tee "$out/$name.log"
  local rc=${PIPESTATUS[0]}
  [ "$rc" -eq 124 ] && echo "--- $name: stopped after ${STEP_TIMEOUT:-900} s (STEP_TIMEOUT)"
  echo "--- $name: exit $rc in $((SECONDS - started)) s"
  [ "$rc" -eq 0 ] || status=1
}
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
$python -c 'import torch, transformers, peft, accelerate; print("torch", torch.__version__, "transformers", transformers.__version__, "peft", peft.__version__, "accelerate", accelerate.__version__, "cuda", torch.cuda.is_available())'
step trainer-tiny $python bench/trainer_cpu.py
step demo-ci $python -m ptlab.demo --size ci --out /tmp/ptlab-gpu-demo
step ppo-update $python bench/ppo_update.py --updates 2
step trainer-0.5b $python bench/gpu_trainer.py --size 0.5b
step raw-0.5b $python bench/gpu_train.py --size 0.5b
step raw-1.5b $python bench/gpu_train.py --size 1.5b --batch 8 --seq 1024
step generate-0.5b $python bench/gpu_generate.py --size 0.5b
step trainer-0.5b-dynamic $python bench/gpu_trainer.py --size 0.5b --jobs ppo --kv-cache dynamic --ppo-updates 4
step trainer-0.5b-static $python bench/gpu_trainer.py --size 0.5b --jobs ppo --kv-cache static --ppo-updates 4
step trainer-0.5b-paged $python bench/gpu_trainer.py --size 0.5b --jobs ppo --kv-cache paged --ppo-updates 4
# the paged session's forward size against generate's dynamic cache, a GP-L rollout of 64 chats at 0.5B (SDPA)
step paged-sizes-0.5b $python bench/paged_sizes.py --size 0.5b --chats 64 --caps dynamic,16384,4096,1024
# issue 18's SFT options, each against trainer-0.5b's defaults: compiled training passes, and
# padding-free micro-batches under FlexAttention (variable-length attention without flash-attn)
step trainer-0.5b-compile $python bench/gpu_trainer.py --size 0.5b --compile
step trainer-0.5b-flex-free $python bench/gpu_trainer.py --size 0.5b --attention flex_attention --padding-free
step trainer-0.5b-flex-free-compile $python bench/gpu_trainer.py --size 0.5b --jobs sft --attention flex_attention --padding-free --compile
# model.ligerKernel: its kernels against the model's own code (fp32, then bf16), then the 0.5B SFT and PPO with them
step liger-check bash -c "$python bench/liger_check.py --device cuda llama3 qwen2.5 llama3+lora embedded:gp-base && $python bench/liger_check.py --device cuda --dtype bf16 llama3 qwen2.5"
step trainer-0.5b-liger $python bench/gpu_trainer.py --size 0.5b --liger
# PPO rollouts against the reference's loop (one step per generate call), same model and GPU: the demo's gp-base, then 0.5B
step rollout-reference $python bench/rollout_reference.py --updates 2 --reference-steps 128
step rollout-reference-0.5b $python bench/rollout_reference.py --size 0.5b --updates 2 --reference-steps 128
# PPO with group advantages (the demo's GRPO-style groups of 4), without and with each group's first prompt read once
step trainer-0.5b-group $python bench/gpu_trainer.py --size 0.5b --jobs ppo --group-size 4
step trainer-0.5b-group-shared $python bench/gpu_trainer.py --size 0.5b --jobs ppo --group-size 4 --shared-prefixes
# PPO's LM head in chunks of 1,024 response tokens (ppo.headChunk): peak memory and speed against trainer-0.5b's PPO line
step trainer-0.5b-head-chunk $python bench/gpu_trainer.py --size 0.5b --jobs ppo --head-chunk 1024
if [ -f "${PAPER_MODEL:-paper-model}/config.json" ]; then
  # `ptlab plan`'s fake-tensor peaks against the real 11B architecture's (random weights) on this GPU.
  step plan-check $python bench/plan_check.py examples/paper/gp-vl/3-rl.ptlab.json --device cuda --jobs ppo,generate \
    --micro-batch 1 --generate-rows 8 --model-config "${PAPER_MODEL:-paper-model}/config.json" --tokenizer "${PAPER_MODEL:-paper-model}"
else
  echo "=== plan-check skipped: no ${PAPER_MODEL:-paper-model}/config.json"
fi
# issue 18's table and targets from everything in $out (bench/gpu_table.py)
$python bench/gpu_table.py "$out" | tee "$out/table.md"
exit $status
