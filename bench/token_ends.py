"""Where each answer token's text ends (chat.token_ends, what PPO's token weights and token
records read every turn, on the host while the GPU waits) against the definition it keeps,
every prefix decoded, on the replica families' tokenizers.

    .venv/bin/python bench/token_ends.py [--lengths 96,256,512] [--repeats 20]

Prints one JSON line per family and length: milliseconds per answer each way (the best of the
repeats), their ratio, and whether the ends are the same."""

from __future__ import annotations

import argparse
import json
import time
from typing import Any, Callable

from ptlab import chat, models, replicas

FAMILIES = ("llama3", "qwen2.5", "llava")
TEXT = " ".join(f"Step {i}: (3+4)*2 = 14, then 14 - {i} = {14 - i}; the cards J, Q and K count as 10 ✓." for i in range(80))


def best_ms(run: Callable[[], Any], repeats: int) -> float:
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - started)
    return 1000 * min(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", default="96,256,512", help="answer tokens (the presets' maxNewTokens: 96, 256, 512)")
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    for family in FAMILIES:
        tokenizer = chat.text_tokenizer(models.load_tokenizer(str(replicas.replica_path(family))))
        ids = tokenizer.encode(TEXT, add_special_tokens=False)
        for length in map(int, args.lengths.split(",")):
            answer = ids[:length]
            prefixes = lambda: [len(tokenizer.decode(answer[: i + 1], skip_special_tokens=True)) for i in range(len(answer))]  # noqa: E731
            stream = lambda: chat.token_ends(tokenizer, answer)  # noqa: E731
            a, b = best_ms(prefixes, args.repeats), best_ms(stream, args.repeats)
            print(json.dumps({"bench": "token-ends", "family": family, "tokens": len(answer), "prefixesMs": round(a, 3), "streamMs": round(b, 3), "ratio": round(a / b, 1), "same": prefixes() == stream()}), flush=True)


if __name__ == "__main__":
    main()
