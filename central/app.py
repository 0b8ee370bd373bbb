"""The central HTTP API (Starlette): ``GET /v1/health`` and ``POST /v1/events``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from central.db import hash_token, init_db, opened
from central.ingest import BatchIn, BatchRejected, BatchResult, ingest_batch


@dataclass(frozen=True)
class Counter:
    """The counter a bearer token belongs to."""

    office: str
    counter_id: int


def _error(status_code: int, error: str, **extra: Any) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status_code == 401 else None
    return JSONResponse({"error": error, **extra}, status_code=status_code, headers=headers)


def _bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


def create_app(db_path: Path) -> Starlette:
    """The central service on the SQLite database at ``db_path`` (created if missing)."""
    init_db(db_path)

    def find_counter(token: str) -> Counter | None:
        with opened(db_path) as conn:
            row = conn.execute(
                "SELECT office, counter_id FROM counters WHERE token_hash = ?",
                (hash_token(token),),
            ).fetchone()
        return Counter(str(row[0]), int(row[1])) if row else None

    def store(batch: BatchIn) -> BatchResult:
        with opened(db_path) as conn:
            return ingest_batch(conn, batch)

    async def authenticate(request: Request) -> Counter | JSONResponse:
        token = _bearer_token(request)
        if token is None:
            return _error(401, "missing_token", detail="send Authorization: Bearer <token>")
        counter = await run_in_threadpool(find_counter, token)
        if counter is None:
            return _error(401, "unknown_token", detail="this token is not known to the centre")
        return counter

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    async def post_events(request: Request) -> JSONResponse:
        counter = await authenticate(request)
        if isinstance(counter, JSONResponse):
            return counter
        try:
            raw = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            return _error(422, "malformed", detail="the body is not JSON")
        try:
            batch = BatchIn.model_validate(raw)
        except ValidationError as exc:
            problems = exc.errors(include_url=False, include_context=False, include_input=False)
            return _error(422, "malformed", detail=json.loads(json.dumps(problems, default=str)))
        if (batch.office, batch.counter_id) != (counter.office, counter.counter_id):
            return _error(
                403,
                "forbidden",
                detail=f"this token belongs to {counter.office} counter {counter.counter_id}",
            )
        try:
            result = await run_in_threadpool(store, batch)
        except BatchRejected as rejected:
            return JSONResponse(rejected.body, status_code=rejected.status_code)
        return JSONResponse(
            {
                "results": [{"uuid": r.uuid, "status": r.status} for r in result.results],
                "head": {"seq": result.head_seq, "hash": result.head_hash},
            }
        )

    return Starlette(
        routes=[
            Route("/v1/health", health, methods=["GET"]),
            Route("/v1/events", post_events, methods=["POST"]),
        ]
    )
