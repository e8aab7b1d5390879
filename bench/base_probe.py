"""What a base checkpoint can do: greedy answers on held-out corpus examples and on GP-L (or V-IRL-L) prompts.

    .venv/bin/python bench/base_probe.py [CHECKPOINT ...] [--n 64] [--task gp-l|virl-l]

CHECKPOINT: a model folder (default: the published embedded:gp-base, or embedded:virl-base
with `--task virl-l`). For each, one table:
  - held-out corpus examples (indices from HELD_OUT, past any recipe's corpus), per task of
    the base's corpus (GeneralPoints' tasks, or V-IRL's): the trained answer exactly; for
    make-target, whether the formula uses the given numbers once each and whether it reaches
    the target; for V-IRL's tasks, whether the strict verifier accepts the answer's action;
  - GP-L prompts, ID (J, Q, K count 10) and the OOD rule (11, 12, 13, a face card in every
    hand), hands from PROBE_SEED on (not the evaluation's seeds, 1234 and 99): the cards
    copied, the numbers right (the rule read), the formula using each number once, solved;
  - V-IRL-L (`--task virl-l`): every position of routes drawn by seeds from PROBE_SEED on the
    demo's nyc routes, with the expert's history, ID (absolute directions) and OOD (relative):
    the action right (the strict verifier) at turns, forward points and the stop, the
    observation copied, the instruction sentence right;
  - copying: the next token of a repeated random sequence, top-1 (whether it copies by content);
    with `--task virl-l`, also text to repeat (corpus_virl's `repeat`) teacher-forced, per kind
    of item: a made-up name's first token is right only when the model looks it up.
Greedy decoding, batches of 32, on the CPU. docs/base-model.md reports these numbers.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
from pathlib import Path
from typing import Any

HELD_OUT = 10**6  # corpus indices from here: no recipe reaches them
PROBE_SEED = 500_000  # GP hands from here
BATCH = 32


def generate(model: Any, tokenizer: Any, chats: list[list[dict[str, Any]]], max_new_tokens: int) -> list[str]:
    import torch

    from ptlab import chat

    texts = []
    for start in range(0, len(chats), BATCH):
        prompts = [chat.render(tokenizer, [{"role": m["role"], "content": m["content"]} for m in messages], [], generation_prompt=True) for messages in chats[start : start + BATCH]]
        batch = tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False)
        with torch.no_grad():
            out = model.generate(**batch, max_new_tokens=max_new_tokens, do_sample=False, pad_token_id=tokenizer.pad_token_id)
        texts += [tokenizer.decode(seq[batch["input_ids"].shape[1] :], skip_special_tokens=True) for seq in out]
    return texts


def numbers_in(text: str) -> list[int]:
    return sorted(int(n) for n in re.findall(r"\d+", text))


def held_out(n: int, task_set: str = "gp-l") -> dict[str, list[dict[str, Any]]]:
    """n held-out corpus examples of each task of the base's corpus (GeneralPoints' or V-IRL's)."""
    from ptlab import corpus, corpus_virl

    tasks = [task for task in corpus.TASKS if (task in corpus_virl.TASKS) == (task_set == "virl-l")]
    share, rest = divmod(1000, len(tasks))
    every_task = tuple((task, share + (i < rest)) for i, task in enumerate(tasks))
    by_task: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    index = HELD_OUT
    while any(len(by_task[task]) < n for task in tasks):
        example = corpus.example(0, index, every_task)
        index += 1
        if len(by_task[example["meta"]["task"]]) < n:
            by_task[example["meta"]["task"]].append(example)
    return by_task


def corpus_rows(model: Any, tokenizer: Any, by_task: dict[str, list[dict[str, Any]]]) -> list[tuple[str, str]]:
    from ptlab import corpus

    rows = []
    for task, examples in by_task.items():
        n = len(examples)
        answers = generate(model, tokenizer, [e["messages"][:-1] for e in examples], 90)
        exact = sum(a.strip() == e["messages"][-1]["content"].strip() for a, e in zip(answers, examples))
        rows.append((f"{task}: the answer exactly", f"{exact}/{n}"))
        if task in ("card-puzzle", "revision", "twenty-four"):
            rows.append((f"{task}: a right answer (the strict verifier)", f"{sum(map(verified, examples, answers))}/{n}"))
        if task in ("navigation", "navigation-revision"):
            rows.append((f"{task}: the action right (the strict verifier)", f"{sum(map(navigation_verified, examples, answers))}/{n}"))
        if task == "make-target":
            once = reached = 0
            for answer, example in zip(answers, examples):
                prompt = example["messages"][0]["content"]
                given, target = numbers_in(prompt.split(" each ")[0]), int(re.search(r"to make (\d+)\.$", prompt).group(1))
                uses = numbers_in(answer) == given
                once += uses
                value = corpus.exact_value(answer.strip()) if uses and re.fullmatch(r"[\d+\-*/() ]+", answer.strip()) else None
                reached += value == target
            rows.append(("make-target: each number once / reaching the target", f"{once}/{n} / {reached}/{n}"))
    return rows


def verified(example: dict[str, Any], answer: str) -> bool:
    """A card puzzle's answer checked by the strict verifier against the example's own hand and target."""
    from ptlab.envs import generalpoints as gp

    prompt, expected = example["messages"][0]["content"], example["messages"][-1]["content"]
    target = int(re.search(r"expert (\d+) points", prompt).group(1))
    cards = re.findall(r"'([^']+)'", re.search(r"Cards: (\[.*\])", prompt).group(1))
    values = [int(v) for v in re.search(r'"number": \[([^\]]*)\]', expected).group(1).split(", ")]
    return gp.verify_strict(gp.GeneralPointsConfig(target=target), gp.Hand(cards, ["spades"] * 4, values, ()), answer).reward == gp.CORRECT_REWARD


def _fields(text: str) -> dict[str, str]:
    return dict(re.findall(r'"(current observation|current instruction|action)": "([^"\n]*)"', text))


def navigation_verified(example: dict[str, Any], answer: str) -> bool:
    """A V-IRL corpus answer whose action is the expected one (case and spaces aside, as the strict verifier compares)."""
    from ptlab.envs import virl

    expected, got = _fields(example["messages"][-1]["content"]).get("action"), _fields(answer).get("action")
    return got is not None and virl._normalize_action(got) == virl._normalize_action(expected)


def virl_rows(model: Any, tokenizer: Any, n: int) -> list[tuple[str, str]]:
    """V-IRL-L on the demo's routes: every position of n routes, the expert's history before it."""
    from ptlab import demo
    from ptlab.envs import virl

    environment = {k: v for k, v in demo.VIRL_BASE["environment"].items() if k != "env"}
    results: dict[str, list[str]] = collections.defaultdict(list)
    for space in ("absolute", "relative"):
        config = virl.VirlConfig(**{**environment, "actionSpace": space})
        make = config.episodes(Path("."))
        points = [(episode, i) for episode in (make(PROBE_SEED + k) for k in range(n)) for i in range(len(episode.rail))]
        answers = generate(model, tokenizer, [[{"role": "user", "content": virl.prompt(config, e.route, e.rail, i)}] for e, i in points], 96)
        counts: collections.Counter = collections.Counter()
        for (episode, i), answer in zip(points, answers):
            p = episode.rail[i]
            kind = "turn" if p.absolute_action.startswith("turn_direction") else "stop" if p.absolute_action == "stop()" else "forward"
            fields = _fields(answer)
            counts[kind] += 1
            counts[f"{kind} right"] += virl.verify_strict(config, p, answer).correct
            counts["observation"] += fields.get("current observation") == p.observation
            counts["sentence"] += fields.get("current instruction") == virl.instruction_sentences(episode.route, True)[p.sentence]
        total = len(points)
        for kind in ("turn", "forward", "stop"):
            results[f"{kind}s: the action right"].append(f"{counts[f'{kind} right']}/{counts[kind]}")
        results["all points: the action right"].append(f"{sum(counts[f'{k} right'] for k in ('turn', 'forward', 'stop'))}/{total}")
        results["the observation copied"].append(f"{counts['observation']}/{total}")
        results["the instruction sentence right"].append(f"{counts['sentence']}/{total}")
    return [(f"V-IRL-L (ID / OOD): {name}", " / ".join(values)) for name, values in results.items()]


def virl_teacher_forced_rows(model: Any, tokenizer: Any, n: int) -> list[tuple[str, str]]:
    """V-IRL-L's ID positions (as virl_rows), the expert's answer teacher-forced, top-1: at
    turns, forward points and stops, the instruction sentence's first token (which sentence
    comes next) and its later tokens (read back from the instruction), and the whole action
    (every token of it right: at a turn, the direction taken from the sentence)."""
    import torch

    from ptlab import chat, demo
    from ptlab.envs import virl

    environment = {k: v for k, v in demo.VIRL_BASE["environment"].items() if k != "env"}
    config = virl.VirlConfig(**{**environment, "actionSpace": "absolute"})
    make = config.episodes(Path("."))
    right: collections.Counter = collections.Counter()
    total: collections.Counter = collections.Counter()
    for episode in (make(PROBE_SEED + k) for k in range(n)):
        for i, point in enumerate(episode.rail):
            answer = virl.expert_response(config, episode.route, episode.rail, i)
            text = chat.render(tokenizer, [chat.user_message(virl.prompt(config, episode.route, episode.rail, i)), {"role": "assistant", "content": answer}], [], generation_prompt=False)
            encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
            ids = torch.tensor([encoded["input_ids"]])
            with torch.no_grad():
                ok = (model(input_ids=ids).logits[0].argmax(-1)[:-1] == ids[0, 1:]).tolist()
            spans = lambda start, length: [j for j, (a, b) in enumerate(encoded["offset_mapping"]) if j > 0 and a < start + length and b > start]  # noqa: E731
            kind = "turns" if point.absolute_action.startswith("turn_direction") else "stops" if point.absolute_action == "stop()" else "forward points"
            sentence = virl.instruction_sentences(episode.route, True)[point.sentence]
            sentence_start = text.index(sentence, text.rindex(answer))
            tokens = spans(sentence_start, len(sentence))
            for label, group in (("the sentence's first token", tokens[:1]), ("the sentence's later tokens", tokens[1:])):
                total[(kind, label)] += len(group)
                right[(kind, label)] += sum(ok[j - 1] for j in group)
            action = spans(text.index(point.absolute_action, sentence_start + len(sentence)), len(point.absolute_action))
            total[(kind, "the action")] += 1
            right[(kind, "the action")] += all(ok[j - 1] for j in action)
    return [(f"V-IRL-L ID, teacher-forced: {kind}: {label}", f"{right[(kind, label)]}/{total[(kind, label)]}") for kind in ("turns", "forward points", "stops") for label in ("the sentence's first token", "the sentence's later tokens", "the action")]


def item_kind(item: str) -> str:
    """What a repeat item is: a direction, a number, a corpus city's place or street, or a made-up name."""
    from ptlab import corpus_virl
    from ptlab.envs import cities, virl

    if item in virl.ABSOLUTE + virl.RELATIVE:
        return "directions"
    if item.isdigit():
        return "numbers"
    if any(item in cities.CITIES[city].places + cities.CITIES[city].streets for city in corpus_virl.CORPUS_CITIES):
        return "places and streets"
    return "made-up names"


def repeat_tokens(model: Any, tokenizer: Any, items: list[str], separator: str) -> list[tuple[str, bool, int]]:
    """A `repeat` chat of these items teacher-forced: for each token of the answer that belongs
    to an item, its label (the item's kind; a made-up name's first token apart), whether the
    model's top-1 next token is it, and how far back (in tokens) the same token of the item's
    first copy, in the question, is."""
    import torch

    from ptlab import chat

    answer = separator.join(items)
    text = chat.render(tokenizer, [chat.user_message(f"Repeat exactly:\n{answer}"), {"role": "assistant", "content": answer}], [], generation_prompt=False)
    encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    offsets = encoded["offset_mapping"]
    ids = torch.tensor([encoded["input_ids"]])
    with torch.no_grad():
        predicted = model(input_ids=ids).logits[0].argmax(-1)
    question, start = text.index(answer), text.rindex(answer)
    found = []
    for item, item_start in zip(items, _starts(items, separator, start)):
        tokens = [i for i, (a, b) in enumerate(offsets) if i > 0 and a < item_start + len(item) and b > item_start]
        source = item_start - start + question  # the same character in the question's copy
        first_copy = next((i for i, (a, b) in enumerate(offsets) if a <= source < b), tokens[0])
        kind = item_kind(item)
        for position, i in enumerate(tokens):
            label = kind if kind != "made-up names" else f"{kind}: {'first token' if position == 0 else 'later tokens'}"
            found.append((label, bool(predicted[i - 1] == ids[0, i]), tokens[0] - first_copy))
    return found


def _starts(items: list[str], separator: str, start: int) -> list[int]:
    starts = []
    for item in items:
        starts.append(start)
        start += len(item) + len(separator)
    return starts


REPEAT_LABELS = ("made-up names: first token", "made-up names: later tokens", "places and streets", "numbers", "directions")


def repeat_rows(model: Any, tokenizer: Any, n: int) -> list[tuple[str, str]]:
    """`repeat` examples (corpus_virl's, from seeds HELD_OUT on) teacher-forced: the next token
    right (top-1) at each token of the answer, by the kind of item it belongs to. A made-up
    name's first token can only be looked up in the text being repeated (its syllables are
    random); its later tokens can also be completed from its first ones, as the names'
    statistics allow. Then `repeat-long` examples: a made-up name's first token by how far
    back its first copy is (a look-up must reach 200-500 tokens back in V-IRL-L's prompt)."""
    from ptlab import corpus_virl
    from ptlab.envs.prng import Rng

    short = [t for k in range(n) for t in repeat_tokens(model, tokenizer, *corpus_virl.repeat_items(Rng(HELD_OUT + k)))]
    rows = [(f"repeat, teacher-forced, next token right: {label}", _share([ok for lab, ok, _ in short if lab == label])) for label in REPEAT_LABELS]
    long = [t for k in range(max(1, n // 2)) for t in repeat_tokens(model, tokenizer, *corpus_virl.repeat_items(Rng(HELD_OUT + k), corpus_virl.LONG_REPEAT))]
    firsts = [(ok, distance) for label, ok, distance in long if label == REPEAT_LABELS[0]]
    for low, high in ((100, 200), (200, 300), (300, 10**9)):  # the short examples cover less than 100
        span = f"{low}-{high - 1}" if high < 10**9 else f"{low}+"
        rows.append((f"repeat-long: a made-up name's first token, {span} tokens back", _share([ok for ok, d in firsts if low <= d < high])))
    return rows


def _share(outcomes: list[bool]) -> str:
    return f"{sum(outcomes)}/{len(outcomes)}"


def copying_rows(model: Any, tokenizer: Any) -> list[tuple[str, str]]:
    """Whether the model copies by content (an induction head, in a pretrained LM's terms):
    16 sequences of 30 random tokens, each given twice; the next token right (top-1) over the
    second copy. A model that looks strings up in its context scores near 1, one that does
    not near 0; reading a landmark or a sentence back from a prompt needs it."""
    import torch

    generator = torch.Generator().manual_seed(PROBE_SEED)
    sequences = torch.randint(max(tokenizer.all_special_ids) + 1, len(tokenizer), (16, 30), generator=generator)
    ids = torch.cat([sequences, sequences], dim=1)
    with torch.no_grad():
        predicted = model(input_ids=ids).logits.argmax(-1)
    right = int((predicted[:, 30:-1] == ids[:, 31:]).sum())
    return [("copying: a repeated random sequence's next token", f"{right}/{16 * 29}")]


def gp_rows(model: Any, tokenizer: Any, n: int) -> list[tuple[str, str]]:
    from ptlab.envs import generalpoints as gp

    results: dict[str, list[str]] = collections.defaultdict(list)
    for faces, sampling in (("all-10", "any"), ("11-12-13", "at-least-one-face")):
        config = gp.GeneralPointsConfig(faceCards=faces, sampling=sampling)
        hands = [gp.deal(config, PROBE_SEED + i) for i in range(n)]
        answers = generate(model, tokenizer, [[{"role": "user", "content": gp.prompt(config, hand)}] for hand in hands], 80)
        counts = collections.Counter()
        for hand, answer in zip(hands, answers):
            parsed = gp.parse_strict(answer)
            counts["cards"] += parsed.cards == list(hand.cards)
            counts["numbers"] += parsed.numbers == [str(v) for v in hand.values]
            counts["once"] += parsed.formula is not None and numbers_in(parsed.formula) == sorted(hand.values)
            counts["solved"] += gp.verify_strict(config, hand, answer).reward == gp.CORRECT_REWARD
        for key in ("cards", "numbers", "once", "solved"):
            results[key].append(f"{counts[key]}/{n}")
    names = {"cards": "GP-L (ID / OOD): cards copied", "numbers": "GP-L (ID / OOD): numbers right (the rule read)", "once": "GP-L (ID / OOD): formula uses each number once", "solved": "GP-L (ID / OOD): solved"}
    return [(names[key], " / ".join(values)) for key, values in results.items()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoints", nargs="*", help="model folders (default: the published base of --task)")
    parser.add_argument("--n", type=int, default=64, help="examples per task and hands (routes) per split (default 64)")
    parser.add_argument("--task", choices=("gp-l", "virl-l"), default="gp-l", help="gp-l (default): gp-base's corpus and GP-L; virl-l: virl-base's corpus and V-IRL-L")
    args = parser.parse_args(argv)
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from ptlab import models

    torch.manual_seed(0)
    for folder in args.checkpoints or [str(models.pretrained_path("gp-base" if args.task == "gp-l" else "virl-base"))]:
        if not (Path(folder) / "config.json").is_file():
            print(f"base_probe: {folder}: not a model folder (no config.json)", file=sys.stderr)
            return 2
        tokenizer = AutoTokenizer.from_pretrained(folder)
        tokenizer.padding_side = "left"
        model = AutoModelForCausalLM.from_pretrained(folder).eval()
        by_task = held_out(args.n, args.task)
        rows = copying_rows(model, tokenizer) + (repeat_rows(model, tokenizer, args.n) if args.task == "virl-l" else []) + corpus_rows(model, tokenizer, by_task) + (gp_rows(model, tokenizer, args.n) if args.task == "gp-l" else virl_rows(model, tokenizer, args.n) + virl_teacher_forced_rows(model, tokenizer, args.n))
        width = max(len(name) for name, _ in rows)
        print(f"\n{folder}")
        for name, value in rows:
            print(f"  {name.ljust(width)}  {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
