#!/usr/bin/env bash
# The main job: the paper's GP-L SFT-vs-RL study from the embedded pretrained base (embedded:gp-base), on CPU, end
# to end, then a self-contained HTML report. Installs what is missing first (scripts/setup.sh).
# `--task virl-l`: the same study on V-IRL-L from embedded:virl-base (into runs/demo-virl-l by default).
# Usage: scripts/demo.sh [--task gp-l|virl-l] [--size full|ci] [--out FOLDER] [--seeds N]   (npm run demo -- ...)
set -euo pipefail
cd "$(dirname "$0")/.."
size=full
task=gp-l
out=
seeds=1
while [ $# -gt 0 ]; do
  case "$1" in
    --task) task="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    *) echo "demo: unknown argument $1 (use --task gp-l|virl-l, --size full|ci, --out FOLDER, --seeds N)" >&2; exit 2 ;;
  esac
done
case "$task" in
  gp-l) out="${out:-runs/demo}" ;;
  virl-l) out="${out:-runs/demo-virl-l}" ;;
  *) echo "demo: unknown task $task (use gp-l or virl-l)" >&2; exit 2 ;;
esac
bash scripts/setup.sh --demo
node scripts/build.mjs
.venv/bin/python -m ptlab.demo --task "$task" --size "$size" --out "$out" --seeds "$seeds"
node dist/cli.js report --runs "$out" --out "$out/report.html"
echo "report: $out/report.html"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && command -v xdg-open >/dev/null 2>&1; then
  xdg-open "$out/report.html" >/dev/null 2>&1 || true
fi
