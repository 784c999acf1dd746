"""A failure inside a route still answers in the API's error shape, with the security headers."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from assistant import Assistant
from assistant.api import create_app


class BrokenRetriever:
    """Stands in for a store that fails mid-request (a Chroma server going away)."""

    def __getattr__(self, name: str):
        raise RuntimeError("store unreachable")


@pytest.fixture(scope="module")
def broken(archive: Assistant) -> Iterator[TestClient]:
    assistant = Assistant(archive.settings, archive.embedder, archive.store, BrokenRetriever(), archive.answerer)  # type: ignore[arg-type]
    with TestClient(create_app(assistant), raise_server_exceptions=False) as client:
        yield client


def test_an_internal_failure_is_a_500_in_the_error_shape(broken: TestClient):
    response = broken.post("/v1/search", json={"question": "جماعة خراسان"})
    assert response.status_code == 500
    assert response.json() == {
        "error": {"type": "internal", "message": "the server failed on this request; the log has the details"}
    }
    assert response.headers["content-security-policy"].startswith("frame-ancestors")
    assert response.headers["x-content-type-options"] == "nosniff"
