"""The session fixture `postgres_url`: a throwaway PostgreSQL server for the whole session.

Import it into a conftest (or a test module) to use it:
`from tests.support.pg_fixture import postgres_url  # noqa: F401`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.support.postgres import PostgresUnavailable, start_postgres


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The SQLAlchemy URL of the empty database `central_test` on a throwaway server.

    Without PostgreSQL the tests that use it are skipped on a workstation and fail on the CI
    (`CI=true`), where a missing server is a set-up error."""
    try:
        server = start_postgres(tmp_path_factory.mktemp("postgres"))
    except PostgresUnavailable as error:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL unavailable: {error.reason}", pytrace=False)
        pytest.skip(f"PostgreSQL unavailable: {error.reason}")
    try:
        yield server.url
    finally:
        server.stop()
