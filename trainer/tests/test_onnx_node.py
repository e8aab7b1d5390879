"""The extension's ONNX inference (TypeScript, onnxruntime-node, tokenizers.js, HF Jinja)
against the trainer's PyTorch model: the same prompt ids through the chat template and the
same greedy tokens, through `node dist/cli.js generate`."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("onnxruntime")

from ptlab import models  # noqa: E402
from ptlab.envs import generalpoints as gp  # noqa: E402
from ptlab.envs import virl  # noqa: E402
from ptlab.export import export_onnx  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
CLI = REPO / "dist" / "cli.js"
NODE = shutil.which("node")


def _prompts() -> list[str]:
    gp_config = gp.GeneralPointsConfig()
    virl_config = virl.VirlConfig.from_dict({"env": "virl", "routes": {"synthetic": {"city": "nyc", "routes": 4}}})
    episode = virl.VirlEpisode(virl_config, virl.routes_for(virl_config, REPO), 1)
    return [
        gp.prompt(gp_config, gp.deal(gp_config, 7)),
        virl.prompt(virl_config, episode.route, episode.rail, 0),
        "Unicode and markup: é 漢字 🃏 <b>{{ not a template }}</b>\n\ttabs",
    ]


@pytest.fixture(scope="module")
def lively_checkpoint(tmp_path_factory, ptlab_cache):
    """The embedded tokenizer on a Llama with large random weights, so greedy decoding
    wanders over the vocabulary instead of repeating one token."""
    from transformers import LlamaForCausalLM

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PTLAB_CACHE_DIR", str(ptlab_cache))
        base = Path(models.resolve_model_path("embedded:tiny-lm"))
    tokenizer = models.load_tokenizer(str(base))
    config = LlamaForCausalLM.config_class.from_pretrained(base)
    config.initializer_range = 0.5
    torch.manual_seed(0)
    model = LlamaForCausalLM(config).eval()
    folder = tmp_path_factory.mktemp("lively")
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    onnx = export_onnx(folder, tmp_path_factory.mktemp("export") / "onnx", _prompts()[0])
    return model, tokenizer, onnx, folder


def _node_generate(onnx: Path, prompt: str, max_new_tokens: int, *extra: str) -> dict:
    if NODE is None or not CLI.exists():
        pytest.skip("needs node and dist/cli.js (npm run build; `npm test` builds it first)")
    result = subprocess.run([NODE, str(CLI), "generate", "--model", str(onnx), "--prompt", prompt, "--max-new-tokens", str(max_new_tokens), "--json", *extra], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("index", range(3))
def test_typescript_greedy_tokens_equal_pytorch(lively_checkpoint, index):
    model, tokenizer, onnx, _ = lively_checkpoint
    prompt = _prompts()[index]
    ids = tokenizer.apply_chat_template([{"role": "user", "content": prompt}], add_generation_prompt=True, tokenize=True, return_dict=False)
    ours = _node_generate(onnx, prompt, 40)
    assert ours["promptIds"] == ids
    stop = json.loads((onnx / "ptlab-onnx.json").read_text())["stopTokens"]
    with torch.no_grad():
        out = model.generate(torch.tensor([ids]), max_new_tokens=40, do_sample=False, eos_token_id=stop, pad_token_id=tokenizer.pad_token_id)
    theirs = out[0, len(ids):].tolist()
    if theirs and theirs[-1] in stop:
        theirs = theirs[:-1]
        assert ours["stopReason"] == "stop-token"
    assert ours["tokens"] == theirs
    assert len(set(theirs)) > 5, "the check needs varied tokens to mean anything"
    assert ours["text"] == tokenizer.decode(theirs, skip_special_tokens=True)


def test_sampling_is_seeded(lively_checkpoint):
    _, _, onnx, _ = lively_checkpoint
    first, again, other = (_node_generate(onnx, "hello", 24, "--temperature", "1.0", "--seed", seed) for seed in ("3", "3", "4"))
    assert first["tokens"] == again["tokens"] and first["tokens"] != other["tokens"]


def test_eval_without_its_options_names_itself(tmp_path):
    if NODE is None or not CLI.exists():
        pytest.skip("needs node and dist/cli.js")
    result = subprocess.run([NODE, str(CLI), "eval"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and result.stderr.startswith("ptlab: eval: --model DIR and --config X.ptlab.json are required")


def test_a_folder_that_is_not_an_export_is_refused(tmp_path):
    if NODE is None or not CLI.exists():
        pytest.skip("needs node and dist/cli.js")
    result = subprocess.run([NODE, str(CLI), "generate", "--model", str(tmp_path), "--prompt", "x"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "ptlab-onnx.json" in result.stderr and "python -m ptlab export" in result.stderr


def _experiment(environment: dict, splits: list[dict], **sampling: float) -> dict:
    tiny = json.loads((REPO / "examples" / "tiny.ptlab.json").read_text())
    return {**tiny, "environment": environment, "evaluation": {"splits": splits, "seed": 99, "maxNewTokens": 40, **sampling}}


EXPERIMENTS = {
    "gp": _experiment(
        {"env": "generalpoints", "verifier": "reference", "maxVerify": 3},
        [{"name": "id", "kind": "id", "episodes": 5}, {"name": "ood-rule", "kind": "rule-ood", "episodes": 5, "overrides": {"faceCards": "11-12-13"}}],
    ),
    # sampled: each answer draws from its (seed, split, episode, attempt) key in both languages
    "gp-sampled": _experiment(
        {"env": "generalpoints", "verifier": "reference", "maxVerify": 3},
        [{"name": "id", "kind": "id", "episodes": 5}, {"name": "ood-rule", "kind": "rule-ood", "episodes": 5, "overrides": {"faceCards": "11-12-13"}}],
        temperature=1.0,
        topP=0.9,
    ),
    "virl": _experiment(
        {"env": "virl", "routes": {"synthetic": {"city": "nyc", "routes": 12}}, "maxVerify": 2},
        [{"name": "id", "kind": "id", "episodes": 3}, {"name": "ood-relative", "kind": "rule-ood", "episodes": 3, "overrides": {"actionSpace": "relative"}}],
    ),
}
COMPARED = ("split", "splitKind", "episode", "seed", "environment", "state", "turns", "success", "totalReward", "truncated", "failureMode")


@pytest.mark.parametrize("name", sorted(EXPERIMENTS))
def test_typescript_evaluation_writes_the_trainers_episode_records(lively_checkpoint, tmp_path, name):
    """`npx ptlab eval` on the ONNX export plays the same episodes, turn for turn, as
    `python -m ptlab eval` on the PyTorch checkpoint: same seeds, prompts, outputs, rewards;
    sampled, the same draws."""
    if NODE is None or not CLI.exists():
        pytest.skip("needs node and dist/cli.js")
    _, _, onnx, checkpoint = lively_checkpoint
    config = tmp_path / f"{name}.ptlab.json"
    config.write_text(json.dumps(EXPERIMENTS[name]))
    run = tmp_path / "run"
    python = subprocess.run([sys.executable, "-m", "ptlab", "eval", "--config", str(config), "--run-dir", str(run), "--checkpoint", str(checkpoint)], capture_output=True, text=True, timeout=600)
    assert python.returncode == 0, python.stderr
    ts_file = tmp_path / "ts.jsonl"
    ts = subprocess.run([NODE, str(CLI), "eval", "--model", str(onnx), "--config", str(config), "--out", str(ts_file)], capture_output=True, text=True, timeout=600)
    assert ts.returncode == 0, ts.stderr
    assert "MaxListenersExceededWarning" not in ts.stderr  # one abort signal serves every generate request
    theirs = [json.loads(line) for line in (run / "episodes.jsonl").read_text().splitlines()]
    ours = [json.loads(line) for line in ts_file.read_text().splitlines()]
    assert len(ours) == len(theirs) == sum(s["episodes"] for s in EXPERIMENTS[name]["evaluation"]["splits"])
    for mine, reference in zip(ours, theirs):
        assert {k: mine.get(k) for k in COMPARED} == {k: reference.get(k) for k in COMPARED}
    assert sum(len(r["turns"]) for r in ours) > len(ours), "multi-turn episodes expected"
