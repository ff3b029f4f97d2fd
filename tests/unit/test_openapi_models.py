"""``/openapi.json`` documents every answer: a response model for every JSON 2xx, the
real media type for streams and files, and links from a created run or search to the
operations on it."""

from __future__ import annotations

from typing import Any

import pytest

from app.api.runs import RUN_OPERATIONS
from app.server import create_app
from app.settings import Settings


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"))
    return create_app(settings).openapi()


def successes(schema: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, code, answer)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        for code, answer in operation["responses"].items()
        if code.startswith("2")
    ]


def test_every_success_has_a_documented_body(schema: dict[str, Any]) -> None:
    undocumented = []
    for method, path, code, answer in successes(schema):
        if code == "204":
            assert "content" not in answer, (method, path)
            continue
        content = answer.get("content", {})
        json_body = content.get("application/json", {}).get("schema", {})
        documented = "$ref" in json_body or "$ref" in json_body.get("items", {})
        documented = documented or any(
            media != "application/json" and "schema" in body for media, body in content.items()
        )
        documented = documented or (path.endswith("/trace") and json_body.get("type") == "object")
        if not documented:
            undocumented.append(f"{method} {path} {code}: {content}")
    assert not undocumented, "\n".join(undocumented)


@pytest.mark.parametrize(
    ("path", "media"),
    [
        ("/api/runs/{run_id}/events", "text/event-stream"),
        ("/api/runs/{run_id}/presence", "text/event-stream"),
        ("/api/runs/{run_id}/events.jsonl", "application/x-ndjson"),
        ("/api/qr", "image/svg+xml"),
    ],
)
def test_streams_and_files_have_their_real_media_type(
    schema: dict[str, Any], path: str, media: str
) -> None:
    assert list(schema["paths"][path]["get"]["responses"]["200"]["content"]) == [media]


def test_a_created_run_links_to_every_operation_on_it(schema: dict[str, Any]) -> None:
    links = schema["paths"]["/api/runs"]["post"]["responses"]["201"]["links"]
    operations = {
        operation["operationId"]
        for operations in schema["paths"].values()
        for operation in operations.values()
    }
    assert {link["operationId"] for link in links.values()} == set(RUN_OPERATIONS.values())
    assert set(RUN_OPERATIONS.values()) <= operations
    on_a_run = {
        operation["operationId"]
        for path, operations in schema["paths"].items()
        if "{run_id}" in path
        for operation in operations.values()
    }
    assert on_a_run <= set(RUN_OPERATIONS.values()), "a run operation has no link to it"


def test_a_run_request_is_one_model_per_mode(schema: dict[str, Any]) -> None:
    body = schema["paths"]["/api/runs"]["post"]["requestBody"]["content"]["application/json"]
    models = [ref["$ref"].rsplit("/", 1)[1] for ref in body["schema"]["oneOf"]]
    components = schema["components"]["schemas"]
    free, controlled = (components[name] for name in models)
    assert "options" not in free["properties"] and free["additionalProperties"] is False
    assert "options" in controlled["properties"]
