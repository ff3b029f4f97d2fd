"""``with_params``: a program's text with the run's values in ``main``'s signature."""

from __future__ import annotations

import ast
import asyncio
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from app.api.demo import text_params
from app.scenarios import registry
from app.scenarios.source import SourceError, main_defaults, with_params
from app.server import create_app
from app.settings import Settings

PROGRAM = """import threading

counter = 0


def main(threads=4, iterations=1_000, pause=0.5, recheck=True, fix="none"):
    print(threads, iterations, pause, recheck, fix)


if __name__ == "__main__":
    main()
"""


def defaults_of(source: str) -> dict[str, Any]:
    return {name: ast.literal_eval(node) for name, node in main_defaults(source).items()}


@pytest.mark.parametrize(
    ("name", "value", "written"),
    [
        ("threads", 8, "threads=8,"),
        ("iterations", 250, "iterations=250,"),
        ("pause", 0.05, "pause=0.05,"),
        ("pause", 2.0, "pause=2.0,"),
        ("recheck", False, "recheck=False,"),
        ("fix", "ordered", "fix='ordered')"),
    ],
)
def test_each_type_of_default_is_written_as_its_repr(name: str, value: Any, written: str) -> None:
    out = with_params(PROGRAM, {name: value})
    assert written in out
    assert defaults_of(out)[name] == value


def test_every_other_character_is_kept() -> None:
    out = with_params(PROGRAM, {"threads": 8, "fix": "ordered"})
    assert out == PROGRAM.replace("threads=4", "threads=8").replace('fix="none"', "fix='ordered'")


def test_a_value_equal_to_the_default_keeps_its_text() -> None:
    assert with_params(PROGRAM, {"iterations": 1000, "threads": 4}) == PROGRAM
    assert with_params(PROGRAM, {}) == PROGRAM
    # Same value, other type: a float parameter given 1 is written 1.0 … and an int stays.
    assert "pause=1.0" in with_params(PROGRAM.replace("pause=0.5", "pause=1"), {"pause": 1.0})


def test_keyword_only_and_positional_only_defaults() -> None:
    source = "def main(a, b=1, /, c=2, *args, d, e=3, **kw):\n    pass\n"
    out = with_params(source, {"b": 10, "c": 20, "e": 30})
    assert out == "def main(a, b=10, /, c=20, *args, d, e=30, **kw):\n    pass\n"
    with pytest.raises(SourceError, match="'d'"):
        with_params(source, {"d": 1})  # keyword-only without a default
    with pytest.raises(SourceError, match="'a'"):
        with_params(source, {"a": 1})


def test_a_signature_over_several_lines_with_comments_and_annotations() -> None:
    source = (
        "import threading\n"
        "\n"
        "def main(\n"
        "    threads: int = 4,  # how many workers (threads=99 in a comment stays)\n"
        "    *,\n"
        "    # the pause between steps\n"
        "    pause: float = (\n"
        "        0.5\n"
        "    ),\n"
        "    name='é€',  # not ASCII: columns are bytes in ast\n"
        ") -> None:\n"
        "    print(threads, pause, name)\n"
    )
    out = with_params(source, {"threads": 12, "pause": 0.25, "name": "ß"})
    assert out.count("\n") == source.count("\n")  # the line highlights stay right
    assert "threads: int = 12,  # how many workers (threads=99 in a comment stays)\n" in out
    assert "# the pause between steps\n" in out
    assert "name='ß',  # not ASCII" in out
    assert defaults_of(out) == {"threads": 12, "pause": 0.25, "name": "ß"}
    assert out.splitlines()[11] == source.splitlines()[11]


def test_non_ascii_before_a_default_on_the_same_line() -> None:
    source = "def main(café='é', n=1):  # ünïcode\n    pass\n"
    assert with_params(source, {"n": 2}) == "def main(café='é', n=2):  # ünïcode\n    pass\n"


def test_a_default_that_is_not_a_literal_is_replaced_too() -> None:
    source = "LIMIT = 5\n\ndef main(n=LIMIT * 2, flag=not True):\n    pass\n"
    assert with_params(source, {"n": 3, "flag": True}) == (
        "LIMIT = 5\n\ndef main(n=3, flag=True):\n    pass\n"
    )


def test_crlf_line_ends_are_kept() -> None:
    source = "import threading\r\n\r\ndef main(n=1):\r\n    pass\r\n"
    assert with_params(source, {"n": 5}) == "import threading\r\n\r\ndef main(n=5):\r\n    pass\r\n"


def test_only_the_top_level_main_is_changed() -> None:
    source = (
        "class Worker:\n    def main(self, n=1):\n        pass\n\n"
        "def helper(n=1):\n    pass\n\nasync def main(n=1):\n    pass\n"
    )
    out = with_params(source, {"n": 7})
    assert out.count("n=1") == 2 and "async def main(n=7)" in out


def test_a_program_without_main_is_a_clear_error() -> None:
    with pytest.raises(SourceError, match=r"no main\(\) function"):
        with_params("import threading\n\ndef run(n=1):\n    pass\n", {"n": 2})


def test_a_program_that_does_not_parse_is_a_clear_error() -> None:
    with pytest.raises(SourceError, match="line 1"):
        with_params("def main(n=1:\n", {"n": 2})


@pytest.mark.parametrize("scenario", registry.scenarios(), ids=lambda s: s.id)
def test_every_scenario_takes_its_own_parameters(scenario: registry.Scenario) -> None:
    """Each parameter is a default of ``main``, and written with any valid value."""
    params = {p.name: p.default for p in scenario.params}
    assert with_params(scenario.source, params) == scenario.source
    changed = {p.name: _other(p) for p in scenario.params}
    out = with_params(scenario.source, changed)
    assert out.count("\n") == scenario.source.count("\n")
    assert defaults_of(out) | changed == defaults_of(out)


def _other(param: registry.Param) -> Any:
    if param.type == "bool":
        return not param.default
    if param.type == "choice":
        return param.choices[-1]
    value = param.max if param.max is not None else param.default + 1
    return int(value) if param.type == "int" else float(value)


# ---- where the page gets the code: GET /api/scenarios/{id}/program and the page render

Get = Callable[[str], httpx.Response]


@pytest.fixture(scope="module")
def get(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Get]:
    """GET a path from the whole app (its error handlers), each request in a thread of
    its own, as tests/unit/test_pages.py does."""
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("data")))

    async def fetch(path: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            return await client.get(path)

    with ThreadPoolExecutor(1) as pool:
        yield lambda path: pool.submit(asyncio.run, fetch(path)).result()


def test_the_program_carries_the_query_values(get: Get) -> None:
    scenario = registry.get("race")
    answer = get("/api/scenarios/race/program?threads=8&iterations=500")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/x-python")
    expected = with_params(scenario.source, {"threads": 8, "iterations": 500})
    assert answer.text == expected
    assert "def main(threads=8, iterations=500, switch_interval_us=100):" in answer.text
    assert get("/api/scenarios/race/program").text == scenario.source


def test_bool_float_and_choice_values_are_typed_like_a_demo_link(get: Get) -> None:
    answer = get("/api/scenarios/condition/program?recheck=false&timeout=0.25")
    assert answer.status_code == 200
    assert "recheck=False" in answer.text and "timeout=0.25" in answer.text
    answer = get("/api/scenarios/dining-philosophers/program?fix=ordered")
    assert answer.status_code == 200, answer.text
    assert "fix='ordered'" in answer.text


@pytest.mark.parametrize(
    ("query", "param", "sentence"),
    [
        ("threads=99", "threads", "'threads' must be between 1 and 16; got 99."),
        ("threads=two", "threads", "'threads' must be a whole number, not 'two'."),
        ("bogus=1", "bogus", "'race' has no parameter 'bogus'"),
    ],
)
def test_bad_values_are_refused_with_a_runs_sentences(
    get: Get, query: str, param: str, sentence: str
) -> None:
    answer = get(f"/api/scenarios/race/program?{query}")
    assert answer.status_code == 422
    body = answer.json()
    assert body["param"] == param and body["detail"].startswith(sentence)
    typed = text_params("race", dict(pair.split("=") for pair in query.split("&")))
    with pytest.raises(registry.ParamError) as refused:
        registry.get("race").validate(typed)
    assert body["detail"] == refused.value.message  # the words a POST /api/runs gets


def test_an_unknown_scenario_has_no_program(get: Get) -> None:
    assert get("/api/scenarios/no-such-thing/program").status_code == 404


def test_the_scenario_page_renders_the_demo_links_values_into_main(get: Get) -> None:
    html = get("/scenarios/race?threads=8&iterations=99999999").text
    # threads is valid and written; iterations is out of bounds: its default stays.
    assert "def main(threads=8, iterations=1000, switch_interval_us=100):" in html
    assert 'data-role="copy-code"' in html


def test_the_endpoint_is_documented_as_python_text(get: Get) -> None:
    schema = get("/openapi.json").json()
    answers = schema["paths"]["/api/scenarios/{scenario_id}/program"]["get"]["responses"]
    assert answers["200"]["content"] == {"text/x-python": {"schema": {"type": "string"}}}
    assert {"404", "422"} <= set(answers)
