"""The central HTTP API (FastAPI); its OpenAPI description is at ``/v1/openapi.json``.

Counters (one bearer token each, belonging to an office) push their events and pull their
office's changes; providers (their own tokens) put changes in and read refused events.
Errors answer ``{"error": <code>, "detail": <plain words or a list>}``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from central.changes import MAX_CHANGES_OUT, ChangesIn, ChangesPage, changes_since, put_changes
from central.db import counters, events, hash_token, init_db, make_engine, providers
from central.ingest import BatchIn, BatchRejected, ingest_batch

RETRY_AFTER_SECONDS = 2
"""What ``Retry-After`` says when the database is busy or out of reach."""

MAX_CURSOR = 2**63 - 1
"""The largest change id the databases hold (a signed 64-bit integer)."""


class ApiError(Exception):
    """An error answer: HTTP status, a short code and plain words."""

    def __init__(
        self,
        status_code: int,
        error: str,
        detail: Any = "",
        headers: dict[str, str] | None = None,
        *,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(error)
        self.status_code = status_code
        self.error = error
        self.detail = detail
        self.headers = headers
        self.extra = extra or {}


class Unavailable(ApiError):
    """The service cannot answer now; the client should retry after ``retry_after`` s."""

    def __init__(self, retry_after: int = RETRY_AFTER_SECONDS, detail: str = "") -> None:
        super().__init__(
            503,
            "unavailable",
            detail or "the centre is busy; try again later",
            {"Retry-After": str(retry_after)},
        )


FaultHook = Callable[[str], None]
"""Called with the operation name ("events", "changes", ...) before each request is
served; tests raise :class:`Unavailable` from it to stand for a busy centre."""


@dataclass(frozen=True)
class Counter:
    """The counter a bearer token belongs to."""

    office: str
    counter_id: int


class EventAnswer(BaseModel):
    """What became of one event: stored, refused (with reason) or duplicate (held as)."""

    uuid: str
    status: Literal["stored", "refused", "duplicate"]
    held: Literal["stored", "refused"]
    reason: str | None = None


class Head(BaseModel):
    """The newest event of the counter's chain the centre holds."""

    seq: int
    hash: str


class EventsAnswer(BaseModel):
    """The answer of ``POST /v1/events``."""

    results: list[EventAnswer]
    head: Head


class PutAnswer(BaseModel):
    """The ids the changes were given."""

    ids: list[int]


class RefusedEvent(BaseModel):
    """An event the centre holds as refused, for supervisors."""

    uuid: str
    office: str
    counter_id: int
    seq: int
    kind: str
    reason: str
    received_at: str


_bearer = HTTPBearer(auto_error=False, description="One token per counter or provider")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def counter_of(request: Request, credentials: Credentials) -> Counter:
    """The counter the request's bearer token belongs to (401 without a known one)."""
    token = _token(credentials)
    with _engine(request).connect() as conn:
        row = conn.execute(
            select(counters.c.office, counters.c.counter_id).where(
                counters.c.token_hash == hash_token(token)
            )
        ).first()
    if row is None:
        raise ApiError(401, "unknown_token", "this token is not known to the centre", _AUTH)
    return Counter(str(row[0]), int(row[1]))


def provider_of(request: Request, credentials: Credentials) -> str:
    """The provider the request's bearer token belongs to (401 without a known one)."""
    token = _token(credentials)
    with _engine(request).connect() as conn:
        row = conn.execute(
            select(providers.c.name).where(providers.c.token_hash == hash_token(token))
        ).first()
    if row is None:
        raise ApiError(401, "unknown_token", "this is not a provider's token", _AUTH)
    return str(row[0])


CounterDep = Annotated[Counter, Depends(counter_of)]
ProviderDep = Annotated[str, Depends(provider_of)]


def create_app(database: str | Path, *, fault_hook: FaultHook | None = None) -> FastAPI:
    """The central service on a SQLite file path or a database URL (created if missing)."""
    engine = make_engine(database)
    init_db(engine)
    app = FastAPI(
        title="CA key counters: central API",
        version="1",
        description=__doc__,
        openapi_url="/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.engine = engine
    _install_error_handlers(app)

    def hook(operation: str) -> None:
        if fault_hook is not None:
            fault_hook(operation)

    @app.get("/v1/health", summary="Is the centre up", tags=["service"])
    def health() -> dict[str, bool]:
        return {"ok": True}

    @app.post(
        "/v1/events",
        summary="Push a batch of one counter's events",
        response_model_exclude_none=True,
        tags=["counters"],
        responses={
            401: {"description": "No token, or an unknown one"},
            403: {"description": "The batch is another counter's"},
            409: {"description": "A gap in the sequence or a broken chain; nothing stored"},
            422: {"description": "A malformed batch, or a uuid held with another body"},
            503: {"description": "Busy; retry after the Retry-After seconds"},
        },
    )
    def post_events(batch: BatchIn, counter: CounterDep) -> EventsAnswer:
        """Store each new event once; answer per event stored, refused or duplicate."""
        hook("events")
        if (batch.office, batch.counter_id) != (counter.office, counter.counter_id):
            raise ApiError(
                403,
                "forbidden",
                f"this token belongs to {counter.office} counter {counter.counter_id}",
            )
        try:
            result = ingest_batch(engine, batch)
        except BatchRejected as rejected:
            raise ApiError(
                rejected.status_code,
                str(rejected.body.get("error", "rejected")),
                rejected.body.get("detail", ""),
                extra=rejected.body,
            ) from None
        return EventsAnswer(
            results=[
                EventAnswer(uuid=r.uuid, status=r.status, held=r.held, reason=r.reason)
                for r in result.results
            ],
            head=Head(seq=result.head_seq, hash=result.head_hash),
        )

    @app.get("/v1/changes", summary="What the counter must learn", tags=["counters"])
    def get_changes(
        counter: CounterDep,
        since: Annotated[
            int, Query(ge=0, le=MAX_CURSOR, description="The cursor from the last answer")
        ] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_CHANGES_OUT)] = 500,
        office: Annotated[str | None, Query(description="Must be the token's office")] = None,
    ) -> ChangesPage:
        """The office's changes after the cursor, oldest first, and the next cursor."""
        hook("changes")
        if office is not None and office != counter.office:
            raise ApiError(403, "forbidden", f"this token belongs to office {counter.office}")
        return changes_since(engine, counter.office, since, limit)

    @app.post("/v1/admin/changes", summary="Put changes in an office's feed", tags=["providers"])
    def post_changes(body: ChangesIn, provider: ProviderDep) -> PutAnswer:
        """Append expected keys, verdicts and directory entries, in the order given."""
        hook("admin_changes")
        return PutAnswer(ids=put_changes(engine, body, source=provider).ids)

    @app.get("/v1/admin/refused", summary="Events held as refused", tags=["providers"])
    def get_refused(
        provider: ProviderDep, office: Annotated[str | None, Query()] = None
    ) -> list[RefusedEvent]:
        """Every event the centre took as refused, with its reason, oldest first."""
        return refused_events(engine, office)

    return app


_AUTH = {"WWW-Authenticate": "Bearer"}
_HTTP_ERRORS = {404: "not_found", 405: "method_not_allowed"}


def _token(credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None or not credentials.credentials.strip():
        raise ApiError(401, "missing_token", "send Authorization: Bearer <token>", _AUTH)
    return credentials.credentials.strip()


def refused_events(engine: Engine, office: str | None = None) -> list[RefusedEvent]:
    """The events held as refused (of one office, or all), oldest first."""
    query = select(
        events.c.uuid,
        events.c.office,
        events.c.counter_id,
        events.c.seq,
        events.c.body_json,
        events.c.reason,
        events.c.received_at,
    ).where(events.c.status == "refused")
    if office is not None:
        query = query.where(events.c.office == office)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(events.c.received_at, events.c.seq)).all()
    return [
        RefusedEvent(
            uuid=r[0],
            office=r[1],
            counter_id=int(r[2]),
            seq=int(r[3]),
            kind=str(json.loads(r[4]).get("kind", "")),
            reason=r[5] or "",
            received_at=r[6],
        )
        for r in rows
    ]


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        body = {**exc.extra, "error": exc.error, "detail": exc.detail}
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def malformed(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in exc.errors()
        ]
        return JSONResponse({"error": "malformed", "detail": problems}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # FastAPI answers 400 for a body it cannot parse (not UTF-8, nested too deeply):
        # that is a malformed request like any other, so it answers as one.
        if exc.status_code == 400:
            detail = f"the body cannot be read as JSON ({exc.detail})"
            return JSONResponse({"error": "malformed", "detail": detail}, status_code=422)
        error = _HTTP_ERRORS.get(exc.status_code, f"http_{exc.status_code}")
        return JSONResponse(
            {"error": error, "detail": exc.detail},
            status_code=exc.status_code,
            headers=exc.headers,
        )

    @app.exception_handler(OperationalError)
    async def database_unavailable(request: Request, exc: OperationalError) -> JSONResponse:
        return JSONResponse(
            {"error": "unavailable", "detail": "the centre's database is busy or out of reach"},
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
