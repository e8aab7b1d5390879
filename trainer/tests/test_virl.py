"""V-IRL against the shared vectors (test/vectors/virl.json), the real route files, and its spec."""

import json
from pathlib import Path

import pytest

import env_vectors as vectors
from ptlab.envs import virl
from ptlab.envs.generalpoints import EnvConfigError

VECTORS = json.loads(vectors.VIRL_VECTORS_FILE.read_text(encoding="utf-8"))
SHARED_ROUTES = Path(__file__).resolve().parents[3] / "shared" / "data" / "virl"


@pytest.mark.parametrize("case", VECTORS["cities"], ids=lambda c: f"{c['city']}-{c['routes']}-{c['seed']}")
def test_city_vector(case):
    from ptlab.envs.cities import generate_routes

    assert json.loads(json.dumps(generate_routes(case["city"], case["routes"], case["seed"]))) == case["generated"]
    assert len(virl.parse_routes(case["generated"], "generated")) == case["routes"]


def _geocode_shape(route: dict) -> tuple[int, int, bool]:
    """(milestones, geocodes, whether the list ends at the destination)."""
    geocodes = route["route_results"]["geocode_list"]
    return len(virl.parse_milestones(route["milestone_info"], "route")), len(geocodes), geocodes[-1] == route["dest_place"]["geocode"]


@pytest.mark.parametrize("city", ["nyc", "vln-mini"])
def test_synthetic_geocode_list_has_the_real_files_shape(city):
    """One geocode per milestone, its segment's end, as the real route files (the start is
    start_place's): the reference's reset walks [start] + geocode_list beside the milestones'
    headings and fails with one more."""
    from ptlab.envs.cities import generate_routes

    for route in generate_routes(city, 20, 0):
        milestones, geocodes, ends_at_destination = _geocode_shape(route)
        assert geocodes == milestones == len(route["route_results"]["distance_list"])
        assert ends_at_destination
    if SHARED_ROUTES.is_dir():
        for name in ("route_infos_ny_moma.json", "route_infos_sf_apple.json"):
            milestones, geocodes, _ = _geocode_shape(json.loads((SHARED_ROUTES / name).read_text(encoding="utf-8")))
            assert geocodes == milestones


def test_unknown_city_names_the_field():
    config = virl.VirlConfig.from_dict({"env": "virl", "routes": {"synthetic": {"city": "atlantis"}}})
    with pytest.raises(EnvConfigError, match=r"environment\.routes\.synthetic\.city: unknown city 'atlantis'"):
        virl.routes_for(config, Path("."))


def _episode(raw, seed):
    config = virl.VirlConfig.from_dict(raw)
    return config, virl.VirlEpisode(config, virl.routes_for(config, vectors.REPO), seed)


def test_vectors_file_is_current():
    assert vectors.VIRL_VECTORS_FILE.read_text(encoding="utf-8") == vectors.render_virl(), "run: .venv/bin/python trainer/tests/env_vectors.py --write"


def test_vectors_cover_every_branch():
    messages = {c["expect"]["message"] for c in VECTORS["verify"]}
    assert {virl.CORRECT, virl.NOT_AT_INTERSECTION, virl.AT_AN_INTERSECTION, virl.INCORRECT} <= messages
    modes = {c["expect"]["failureMode"] for c in VECTORS["verify"]}
    assert {None, "format", "wrong-turn", "missed-intersection", "phantom-intersection", "premature-stop", "missed-stop", "action-space-confusion"} <= modes


@pytest.mark.parametrize("verifier", ["reference", "strict"])
def test_going_on_is_a_missed_intersection_only_at_an_intersection(verifier):
    config, ep = _episode({**vectors.VIRL_CONFIGS[0], "verifier": verifier}, 0)
    forward = json.dumps({"current observation": "No landmarks nearby; ", "current instruction": "x", "action": "forward()"})
    mode = lambda p: virl.verify(config, p, forward).failure_mode  # noqa: E731
    start, destination = ep.rail[0], ep.rail[-1]
    assert (start.at_intersection, start.action(config.actionSpace).startswith("turn_direction(")) == (False, True)
    assert mode(start) == "wrong-turn", "the start's orientation turn"
    assert [mode(p) for p in ep.rail if p.at_intersection] and all(mode(p) == "missed-intersection" for p in ep.rail if p.at_intersection)
    assert destination.action(config.actionSpace) == "stop()" and mode(destination) == "missed-stop"


@pytest.mark.skipif(not SHARED_ROUTES.is_dir(), reason="shared/data/virl is not beside the checkout")
@pytest.mark.parametrize("name", ["route_infos_ny_moma.json", "route_infos_sf_apple.json"])
def test_loads_the_real_route_files(name):
    (route,) = virl.load_routes(SHARED_ROUTES / name)
    assert len(route.milestones) >= 2
    assert all(m.direction in virl.ABSOLUTE for m in route.milestones)


def test_moma_route_matches_its_instruction_text():
    route = virl.parse_routes(json.loads((Path(vectors.REPO) / vectors.VIRL_ROUTES).read_text()), "fixture")[4]
    assert route.route_id == "ny_moma"
    assert virl.instruction_sentences(route, wrap=True) == [
        "First, turn left to face northwest.",  # strict wraps 298 - 0 to -62: left, as the human text says
        "Move forward until you reach next intersection where Prince St is on your front.",
        "Turn left to face southwest.",
        "Move forward until you reach next intersection where Aritzia is on your left front.",
        "Turn left to face southeast.",
        "Move forward until you reach destination where The destination MoMA Design Store is on your left.",
    ]
    assert virl.instruction_sentences(route, wrap=False)[0] == "First, turn right to face northwest."  # quirk: not wrapped


@pytest.mark.parametrize("case", VECTORS["rails"], ids=lambda c: f"{c['config']['verifier']}-{c['config'].get('actionSpace')}-{c['config'].get('modality')}-{c['seed']}")
def test_rail_vector(case):
    config, ep = _episode(case["config"], case["seed"])
    assert ep.route.route_id == case["routeId"]
    assert [[p.observation, p.action(config.actionSpace)] for p in ep.rail] == case["rail"]
    assert [p.place for p in ep.rail] == case["places"]
    assert [vectors._sha256(virl.prompt(config, ep.route, ep.rail, i)) for i in range(len(ep.rail))] == case["promptSha256"]
    assert [virl.expert_response(config, ep.route, ep.rail, i) for i in range(len(ep.rail))] == case["expert"]


@pytest.mark.parametrize("case", VECTORS["verify"], ids=lambda c: f"{c['config']['verifier']}-{c['config'].get('actionSpace')}-{c['seed']}@{c['position']}: {c['name']}")
def test_verify_vector(case):
    config, ep = _episode(case["config"], case["seed"])
    v = virl.verify(config, ep.rail[case["position"]], case["output"])
    assert {"reward": v.reward, "message": v.message, "correct": v.correct, "failureMode": v.failure_mode} == case["expect"]


@pytest.mark.parametrize("case", VECTORS["episodes"], ids=lambda c: f"{json.dumps(c['config'])}-{c['seed']}")
def test_episode_vector(case):
    _, ep = _episode(case["config"], case["seed"])
    assert ep.prompt == case["prompt"]
    steps = []
    for action in case["actions"]:
        s = ep.step(action)
        steps.append({"reward": s.reward, "message": s.message, "done": s.done, "success": s.success, "truncated": s.truncated, "prompt": s.next_prompt, "newChat": s.new_chat, "correct": s.correct, "failureMode": s.failure_mode})
    assert steps == case["steps"]
    assert ep.state() == case["state"]


def test_prompt_keeps_the_reference_typos():
    config, ep = _episode({"env": "virl", "routes": {"file": vectors.VIRL_ROUTES}, "modality": "vision"}, 0)
    assert "observing your surrounding stree tviews. You\nare also provided" in ep.prompt
    assert "identify the next sentence to be executed. \nThen" in ep.prompt
    assert "[front, right\n back, left]" in ep.prompt
    assert "O_1: You observe an image of 4 views; \nA_1: \n\n\n[Output]" in ep.prompt
    # the reference's instruction text ends each numbered line with a newline, before the template's own two
    assert "on your left.\n\n\n[Observation format]" in ep.prompt


@pytest.mark.parametrize("max_straight,drop_rate,low,high", [(5, 0.0, 5, 5), (0, 0.0, 0, 0), (5, 1.0, 0, 0), (5, 0.5, 0, 5)])
def test_each_straight_segment_gets_up_to_max_straight_forwards(max_straight, drop_rate, low, high):
    """As the reference interpolates them: maxStraight points a segment, each dropped with
    probability dropRate; a turn may lead straight to the next turn."""
    counts = []
    for seed in range(20):
        _, ep = _episode({"env": "virl", "routes": {"file": vectors.VIRL_ROUTES}, "maxStraight": max_straight, "dropRate": drop_rate}, seed)
        actions = [p.absolute_action for p in ep.rail]
        turns = [i for i, a in enumerate(actions) if a != "forward()"]
        counts += [b - a - 1 for a, b in zip(turns, turns[1:])]
    assert low <= min(counts) and max(counts) <= high
    if drop_rate == 0.5:
        assert min(counts) == 0 and max(counts) == 5 and 2.0 < sum(counts) / len(counts) < 3.0


def _flat_panoramas(folder: Path, count: int) -> None:
    """{folder}/{k}.jpg for k < count, each one flat grey 10 * k: the grid's colour says which file it shows."""
    from PIL import Image

    folder.mkdir(parents=True)
    for k in range(count):
        Image.new("RGB", (64, 32), (10 * k,) * 3).save(folder / f"{k}.jpg")


def test_panoramas_are_the_place_s_on_every_seed(tmp_path):
    """Dropped forward() points shift rail indices from seed to seed; a panorama is found by
    its place, the index on the route's full rail (every interpolated point kept)."""
    config, _ = _episode({"env": "virl", "routes": {"file": vectors.VIRL_ROUTES}, "modality": "vision"}, 0)
    routes = virl.routes_for(config, vectors.REPO)
    moma = [r.route_id for r in routes].index("ny_moma")
    full_rail = len(routes[moma].milestones) * (config.maxStraight + 1) + 1
    _flat_panoramas(tmp_path / "ny_moma", full_rail)
    a, b = (virl.VirlEpisode(config, routes, seed, moma, tmp_path) for seed in (0, 1))
    first_turn = [next(i for i, p in enumerate(ep.rail) if p.at_intersection) for ep in (a, b)]
    assert first_turn[0] != first_turn[1]  # the two rails differ

    def shown(ep: virl.VirlEpisode, position: int) -> int:
        ep.position = position
        return round(ep.observation_image().getpixel((600, 600))[0] / 10)

    assert shown(a, first_turn[0]) == shown(b, first_turn[1]) == config.maxStraight + 1
    assert a.image()["place"] == b.image()["place"] == config.maxStraight + 1
    assert shown(a, first_turn[0]) != shown(b, first_turn[0])  # the same rail index, another place
    assert shown(a, len(a.rail) - 1) == shown(b, len(b.rail) - 1) == full_rail - 1  # the destination


@pytest.mark.parametrize(
    "raw,field",
    [
        ({"env": "virl"}, "environment.routes"),
        ({"env": "virl", "routes": {"file": "x"}, "actionSpace": "diagonal"}, "environment.actionSpace"),
        ({"env": "virl", "routes": {"file": "x"}, "dropRate": 2}, "environment.dropRate"),
        ({"env": "virl", "routes": {"file": "x"}, "faceCards": "all-10"}, "environment.faceCards"),
    ],
)
def test_invalid_config_names_the_field(raw, field):
    with pytest.raises(EnvConfigError, match=field.replace(".", r"\.")):
        virl.VirlConfig.from_dict(raw)


def test_bad_route_file_names_file_and_place(tmp_path):
    bad = tmp_path / "routes.json"
    bad.write_text(json.dumps([{"start_place": {}, "dest_place": {}, "milestone_info": '{"landmarks": "x", "distance": "far", "human_heading": "0", "to_next_intersection_heading": "90 (east)"}'}]))
    with pytest.raises(virl.RouteFormatError, match=r"routes\.json\[0\]\.milestone_info\[0\]: distance 'far'"):
        virl.load_routes(bad)
    broken = tmp_path / "broken.json"
    broken.write_text("[{")
    with pytest.raises(virl.RouteFormatError, match=r"broken\.json:1:3: invalid JSON"):
        virl.load_routes(broken)


@pytest.mark.parametrize("name", ["folder", "big", "device"])
def test_a_route_file_that_is_not_a_regular_file_or_too_large_is_refused_unread(tmp_path, name):
    """As TypeScript's loader refuses them (routeFiles.ts): /dev/zero would be read until memory runs out."""
    big = tmp_path / "big.json"
    with big.open("w") as f:
        f.truncate(virl.MAX_ROUTE_FILE_BYTES + 1)  # sparse: nothing written
    file, error = {
        "folder": (tmp_path, f"{tmp_path} is not a regular file"),
        "big": (big, f"{big} is larger than 64 MiB ({virl.MAX_ROUTE_FILE_BYTES + 1} bytes)"),
        "device": (Path("/dev/zero"), "/dev/zero is not a regular file"),
    }[name]
    with pytest.raises(EnvConfigError) as refused:
        virl.routes_for(virl.VirlConfig(routes={"file": str(file)}), tmp_path)
    assert str(refused.value) == f"environment.routes.file: {error}; name a JSON file of routes"


def test_an_intersection_without_a_landmark_is_told_and_observed_as_the_reference_does():
    """The V-IRL platform writes "No landmark nearby" where it found no landmark, and the
    reference reads a missing landmarks key the same: no landmark clause in the sentence, and
    those words as the intersection's observation; at the destination the clause stays."""
    no_landmark, destination_unseen = virl.load_routes(Path(vectors.REPO) / vectors.VIRL_PLATFORM_ROUTES)
    for wrap in (False, True):
        sentences = virl.instruction_sentences(no_landmark, wrap)
        assert sentences[1] == sentences[3] == "Move forward until you reach next intersection."
        assert virl.instruction_sentences(destination_unseen, wrap)[3] == "Move forward until you reach destination where No landmark nearby."
    rail = virl.build_rail(no_landmark, virl.VirlConfig(routes={"file": "-"}, maxStraight=0), virl.Rng(0))
    assert [p.observation for p in rail if p.at_intersection] == ["No landmark nearby; You observe an intersection"] * 2


@pytest.mark.parametrize("case", VECTORS["routeFiles"], ids=lambda c: c["name"])
def test_route_file_vector(case):
    try:
        routes = virl.parse_routes(case["data"], "routes.json")
    except virl.RouteFormatError as exc:
        assert {"error": str(exc)} == {"error": case.get("error")}
        return
    config = virl.VirlConfig(routes={"file": "routes.json"}, maxStraight=0)
    assert [{"routeId": r.route_id, "instruction": {"reference": virl.instruction_sentences(r, False), "strict": virl.instruction_sentences(r, True)},
             "observations": [p.observation for p in virl.build_rail(r, config, virl.Rng(0))]} for r in routes] == case.get("routes")


def test_the_authors_route_file_loads(tmp_path):
    """Their environment reads json.load(f)[0] as the routes and [1] as a count it never uses."""
    path = tmp_path / "route_infos.json"
    path.write_text(json.dumps([[_route_dict("a"), _route_dict("b")], 2]))
    assert [r.route_id for r in virl.load_routes(path)] == ["a", "b"]


def _route_dict(route_id):
    return {"route_id": route_id, **vectors._route()}


def test_the_expert_response_is_the_reference_response_template():
    """The authors' ResponseVIRL (prompt_lib/prompts.py), formatted: a newline before the
    object and one after its closing brace."""
    config, ep = _episode(vectors.VIRL_CONFIGS[0], 0)
    sentence = virl.instruction_sentences(ep.route, False)[0]
    template = '\n{{\n  "current observation": "{current_observation}",\n  "current instruction": "{current_instruction}",\n  "action": "{action}",\n}}\n'
    expected = template.format(current_observation="No landmarks nearby; ", current_instruction=sentence, action=ep.rail[0].absolute_action)
    assert virl.expert_response(config, ep.route, ep.rail, 0) == expected


def test_a_one_milestone_route_says_turn_not_first_turn():
    """The reference tests for the last milestone before the first: a route of one milestone
    starts with "Turn ...", in either verifier's text."""
    route = virl.parse_routes(json.loads((Path(vectors.REPO) / vectors.VIRL_ROUTES).read_text()), "fixture")[2]
    assert route.route_id == "fixture-single"
    destination = "Move forward until you reach destination where The destination Pier 9 Market is on your front."
    assert virl.instruction_sentences(route, wrap=False) == ["Turn right to face west.", destination]  # 270 - 0, not wrapped
    assert virl.instruction_sentences(route, wrap=True) == ["Turn left to face west.", destination]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_a_route_file_with_nan_or_infinity_loads_as_the_references_json_load_reads_it(tmp_path, constant):
    """The V-IRL platform writes its route files with Python's json.dump, which writes NaN for a
    missing number (a place's rating); the reference's json.load reads them, and so does TypeScript."""
    path = tmp_path / "routes.json"
    path.write_text(json.dumps([{"route_id": "a", **vectors._route(), "rating": float(constant)}]))
    assert constant in path.read_text()
    assert [r.route_id for r in virl.load_routes(path)] == ["a"]
    path.write_text(json.dumps([{"route_id": float(constant), **vectors._route()}]))
    with pytest.raises(virl.RouteFormatError, match=r"routes\.json\[0\]\.route_id: must be a string or an integer of at most 2\*\*53 - 1, got null$"):
        virl.load_routes(path)


@pytest.mark.parametrize(
    "output,reward",
    [
        ('{"current observation":["intersection"],"action":"forward()"}', -1.5),  # a list holding the word: Python's `in` says so
        ('{"current observation":["an intersection"],"action":"forward()"}', -1),  # ... holding another string: no
        ('{"current observation":{"intersection":0},"action":"forward()"}', -1.5),  # an object: its keys
        ('{"current observation":5,"action":"forward()"}', -1),  # Python's `in` raises: read as no claim
        ('{"action":"turn_direction(southwest)","confidence":NaN}', 1),  # Python's json reads NaN
        ('{"action":"turn_direction(southwest)","confidence":-Infinity}', 1),
        ('{"action":"turn_direction(southwest)","confidence":-NaN}', -1),  # which it does not: the patterns find nothing
        ('{"action":["turn_direction(southwest)"]}', -1),
    ],
)
def test_the_reference_verifier_reads_json_fields_as_pythons_json_loads_and_in_do(output, reward):
    """The reference's re_match keeps whatever json.loads returns (NaN included), and its
    checks apply Python's `in` to it; the strict verifier reads only strings."""
    config = virl.VirlConfig(routes={"file": "-"}, verifier="reference")
    turn = virl.Position(virl.NO_LANDMARKS, False, "turn_direction(southwest)", "turn_direction(left)", 0, 0.0, 0)
    assert virl.verify(config, turn, output).reward == reward
