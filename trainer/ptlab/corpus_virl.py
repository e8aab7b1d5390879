"""The V-IRL tasks of the synthetic pretraining corpus: what `embedded:virl-base` learns
(docs/base-model.md), the stand-in for what a pretrained LLM brings to V-IRL-L.

A pretrained instruction model reads route instructions, keeps track of where it is from an
observation and action history, and acts in whatever action space the prompt states, compass
directions or turns relative to its heading. These tasks teach that, and nothing of the
evaluation:
  - navigation           V-IRL-L's prompt word for word (the reference's task text, a route's
                         instruction, the observation and action history), at a random point
                         of a random route, answered with the expert's JSON; the action space
                         is one of several conventions (below);
  - navigation-revision  the same with a wrong first answer (context, not trained:
                         `"train": false`), the strict verifier's message as the environment
                         sends it, then the right answer.
Routes come from the synthetic cities other than `nyc`, the city the V-IRL-L presets and the
demo train and evaluate on (ptlab.envs.cities), each example a route of its own on its city's
street grid turned by a random angle (so that the eight compass directions are equally
common), so no episode of the evaluation (ID or OOD, any seed) is in the corpus. The conventions: the two action
spaces of the paper word for word (`turn_direction` with compass directions, V-IRL-L's ID
space, or with left / right / slightly left / slightly right, its OOD space), a quarter of the
examples each, and in the other half the same two kinds of direction under other action names
(`turn_to(x)`, `face(x)`, `move_forward()`, `arrive()`, ...), so that what the model learns is
to read the action space it is given, as the gp-base corpus states face-card rules in varied
wording and values.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from ptlab.envs import cities, virl
from ptlab.envs.prng import Rng

EVALUATION_CITY = "nyc"  # the city of examples/virl-l.ptlab.json and the V-IRL-L demo
CORPUS_CITIES = tuple(name for name in cities.CITIES if name != EVALUATION_CITY)
EXACT = ("turn_direction", "forward()", "stop()")
TURN_NAMES = ("turn_to", "face", "rotate", "head")
FORWARD_NAMES = ("move_forward()", "go()", "step()", "walk()")
STOP_NAMES = ("arrive()", "finish()", "halt()", "end()")


@dataclass(frozen=True)
class Convention:
    """An action space: which directions a turn names (`virl` action space `absolute` or
    `relative`) and the action names; EXACT names are V-IRL's own."""

    space: str
    turn: str
    forward: str
    stop: str

    @property
    def exact(self) -> bool:
        return (self.turn, self.forward, self.stop) == EXACT

    def rename(self, text: str) -> str:
        """V-IRL text with its action names replaced by this convention's."""
        if self.exact:
            return text
        return text.replace("turn_direction(", f"{self.turn}(").replace("forward()", self.forward).replace("stop()", self.stop)


def convention(rng: Rng) -> Convention:
    """Half the examples one of the paper's two action spaces word for word; half the same
    directions under other action names."""
    kind = rng.below(4)
    space = "absolute" if kind % 2 == 0 else "relative"
    if kind < 2:
        return Convention(space, *EXACT)
    return Convention(space, TURN_NAMES[rng.below(len(TURN_NAMES))], FORWARD_NAMES[rng.below(len(FORWARD_NAMES))], STOP_NAMES[rng.below(len(STOP_NAMES))])


@dataclass(frozen=True)
class Situation:
    """A point on a route, as an episode would reach it."""

    config: virl.VirlConfig
    route: virl.Route
    rail: list[virl.Position]
    position: int
    convention: Convention

    def prompt(self) -> str:
        return self.convention.rename(virl.prompt(self.config, self.route, self.rail, self.position))

    def answer(self) -> str:
        return self.convention.rename(virl.expert_response(self.config, self.route, self.rail, self.position))


def situation(rng: Rng) -> Situation:
    """A fresh route of a corpus city, its expert rail (its own straight lengths and drop
    rate) and a point on it, under a convention."""
    city = CORPUS_CITIES[rng.below(len(CORPUS_CITIES))]
    # the street grid turned at random: a route's headings, and so its compass directions, are
    # any of the eight, evenly (the cities' own grids name mostly north, east, south and west)
    style = dataclasses.replace(cities.CITIES[city], rotation=rng.below(360))
    raw = cities.generate_route(style, rng, f"corpus-{city}")
    route = virl.parse_routes([raw], "corpus")[0]
    chosen = convention(rng)
    config = virl.VirlConfig(routes={"synthetic": {"city": city}}, actionSpace=chosen.space, maxStraight=rng.between(0, 5), dropRate=0.5, verifier="strict")
    rail = virl.build_rail(route, config, rng)
    return Situation(config, route, rail, rng.below(len(rail)), chosen)


def navigation(rng: Rng) -> list[dict[str, Any]]:
    s = situation(rng)
    return [{"role": "user", "content": s.prompt()}, {"role": "assistant", "content": s.answer()}]


def wrong_answer(rng: Rng, s: Situation) -> str:
    """An answer of the kinds a model gets wrong (in V-IRL's own action names): a turn to
    another direction of the space, a turn in the other kind of direction, a forward() where a
    turn is due or the reverse, an early stop(), a wrong claim about the intersection, or no
    action at all."""
    p = s.rail[s.position]
    directions = virl.ABSOLUTE if s.config.actionSpace == "absolute" else virl.RELATIVE
    others = virl.RELATIVE if s.config.actionSpace == "absolute" else virl.ABSOLUTE
    expert = p.action(s.config.actionSpace)
    observation = p.observation
    kind = rng.below(6)
    if kind == 0:
        action = f"turn_direction({directions[rng.below(len(directions))]})"
    elif kind == 1:
        action = f"turn_direction({others[rng.below(len(others))]})"
    elif kind == 2:
        action = "forward()" if expert != "forward()" else f"turn_direction({directions[rng.below(len(directions))]})"
    elif kind == 3:
        action = "stop()" if expert != "stop()" else "forward()"
    elif kind == 4:  # the intersection misread, and the action with it
        action = "forward()" if expert != "forward()" else f"turn_direction({directions[rng.below(len(directions))]})"
        observation = f"{p.landmark}; " if p.at_intersection else f"{p.landmark}; {virl.AT_INTERSECTION}"
    else:
        return '\n{\n  "current observation": "' + observation + '",\n}'
    sentence = virl.instruction_sentences(s.route, True)[p.sentence]
    return f'\n{{\n  "current observation": "{observation}",\n  "current instruction": "{sentence}",\n  "action": "{action}",\n}}'


def navigation_revision(rng: Rng) -> list[dict[str, Any]]:
    """A wrong first answer with the strict verifier's message (its failure turn, as the
    environment appends it), then the expert's answer."""
    while True:
        s = situation(rng)
        wrong = wrong_answer(rng, s)
        verdict = virl.verify_strict(s.config, s.rail[s.position], wrong)
        if not verdict.correct:
            break
    return [
        {"role": "user", "content": s.prompt()},
        {"role": "assistant", "content": s.convention.rename(wrong), "train": False},
        {"role": "user", "content": f"You failed this trial because {verdict.message}"},
        {"role": "assistant", "content": s.answer()},
    ]


def route_reading(rng: Rng) -> list[dict[str, Any]]:
    """A short question on one part of a fresh route's text, answered by reading it back: what
    each step of navigation needs, asked alone (the question after the text, so the answer
    must be found in it):
      - the sentence after the one that names an observed landmark (where a turn comes);
      - sentence k, quoted;
      - the action that carries out a turn sentence, in a stated action space (a convention);
      - an observation of the history, quoted (the latest, or O_k)."""
    s = situation(rng)
    sentences = virl.instruction_sentences(s.route, True)
    instruction = "\n".join(f"{i}. {sentence}" for i, sentence in enumerate(sentences, start=1))
    kind = rng.below(4)
    # the intersections named by a landmark no other sentence names: each "Move forward ... where X" sentence with a turn after it
    named = [m for m in range(len(s.route.milestones) - 1) if (x := s.route.milestones[m].landmarks) and sum(x in sentence for sentence in sentences) == 1]
    if kind == 0 and named:
        m = named[rng.below(len(named))]
        question = f"[Instruction]\n{instruction}\n\nYou observe: {s.route.milestones[m].landmarks}. Which sentence of the instruction comes right after the one where you observe that? Answer with that sentence only."
        answer = sentences[2 * m + 2]
    elif kind <= 1:
        k = rng.below(len(sentences))
        question = f"[Instruction]\n{instruction}\n\nQuote sentence {k + 1} of the instruction."
        answer = sentences[k]
    elif kind == 2:
        turns = [p for p in s.rail if p.absolute_action.startswith("turn_direction(")]
        p = turns[rng.below(len(turns))]
        action_space = s.convention.rename(virl.ACTION_SPACE_TEXT[s.convention.space])
        question = f"[Action space]\n{action_space}\n\nSentence: {sentences[p.sentence]}\nWhich action of the action space carries out this sentence? Answer with the action only."
        answer = s.convention.rename(p.action(s.convention.space))
    else:
        history = s.convention.rename(virl.obs_act_sequence(s.rail, s.position, s.convention.space, False))
        k = s.position if rng.below(2) else rng.below(s.position + 1)
        which = "the latest observation" if k == s.position else f"observation O_{k + 1}"
        question = f"[Observations and actions sequence]\n{history}\nQuote {which} exactly."
        answer = s.rail[k].observation
    return [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]


SYLLABLES = ("ka", "lo", "mi", "te", "ra", "vun", "sho", "pel", "dri", "an", "qu", "is", "bor", "nax", "eth", "ul", "zi", "mo", "gar", "fen", "tor", "ya", "wes", "cri")


def made_up_name(rng: Rng) -> str:
    """A name no text predicts (one or two words of random syllables): only copying gets it right."""
    words = ["".join(SYLLABLES[rng.below(len(SYLLABLES))] for _ in range(rng.between(1, 3))).capitalize() for _ in range(rng.between(1, 2))]
    return " ".join(words)


def repeat(rng: Rng) -> list[dict[str, Any]]:
    """Text to repeat word for word: places and streets of the corpus cities, made-up names,
    direction words and numbers in a random order (the copying that reading a landmark or a
    sentence back takes, which a pretrained model brings and the other tasks rely on)."""
    return _repeat_chat(*repeat_items(rng))


def repeat_long(rng: Rng) -> list[dict[str, Any]]:
    """`repeat` with 40-90 items: each is looked up 120-490 tokens back, the distances at which
    V-IRL-L's answer reads its prompt's instruction and history (a look-up learned on short
    texts alone does not reach that far)."""
    return _repeat_chat(*repeat_items(rng, LONG_REPEAT))


def _repeat_chat(items: list[str], separator: str) -> list[dict[str, Any]]:
    text = separator.join(items)
    return [{"role": "user", "content": f"Repeat exactly:\n{text}"}, {"role": "assistant", "content": text}]


SHORT_REPEAT, LONG_REPEAT = (6, 24), (40, 90)  # items in a `repeat` and a `repeat-long` example


def repeat_items(rng: Rng, count: tuple[int, int] = SHORT_REPEAT) -> tuple[list[str], str]:
    """A `repeat` example's items and the separator that joins them."""
    items = []
    for _ in range(rng.between(*count)):
        kind = rng.below(4)
        if kind == 0:
            style = cities.CITIES[CORPUS_CITIES[rng.below(len(CORPUS_CITIES))]]
            pool = style.places + style.streets
            items.append(pool[rng.below(len(pool))])
        elif kind == 1:
            items.append(made_up_name(rng))
        elif kind == 2:
            directions = virl.ABSOLUTE + virl.RELATIVE
            items.append(directions[rng.below(len(directions))])
        else:
            items.append(str(rng.between(0, 999)))
    return items, (", ", "; ", " ", "\n")[rng.below(4)]


TASKS = {"navigation": navigation, "navigation-revision": navigation_revision, "route-reading": route_reading, "repeat": repeat, "repeat-long": repeat_long}
