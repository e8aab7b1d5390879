"""The extension's ONNX inference (TypeScript, onnxruntime-node, tokenizers.js, HF Jinja)
against the trainer's PyTorch model: the same prompt ids through the chat template and the
same greedy tokens, through `node dist/cli.js generate`."""

import json
import shutil
import subprocess
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
def lively_checkpoint(tmp_path_factory):
    """The embedded tokenizer on a Llama with large random weights, so greedy decoding
    wanders over the vocabulary instead of repeating one token."""
    from transformers import LlamaForCausalLM

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
    return model, tokenizer, onnx


def _node_generate(onnx: Path, prompt: str, max_new_tokens: int, *extra: str) -> dict:
    if NODE is None or not CLI.exists():
        pytest.skip("needs node and dist/cli.js (npm run build; `npm test` builds it first)")
    result = subprocess.run([NODE, str(CLI), "generate", "--model", str(onnx), "--prompt", prompt, "--max-new-tokens", str(max_new_tokens), "--json", *extra], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("index", range(3))
def test_typescript_greedy_tokens_equal_pytorch(lively_checkpoint, index):
    model, tokenizer, onnx = lively_checkpoint
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
    _, _, onnx = lively_checkpoint
    first, again, other = (_node_generate(onnx, "hello", 24, "--temperature", "1.0", "--seed", seed) for seed in ("3", "3", "4"))
    assert first["tokens"] == again["tokens"] and first["tokens"] != other["tokens"]


def test_a_folder_that_is_not_an_export_is_refused(tmp_path):
    if NODE is None or not CLI.exists():
        pytest.skip("needs node and dist/cli.js")
    result = subprocess.run([NODE, str(CLI), "generate", "--model", str(tmp_path), "--prompt", "x"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "ptlab-onnx.json" in result.stderr and "python -m ptlab export" in result.stderr
