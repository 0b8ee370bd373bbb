"""The HTTP side of sync: the central API's two counter routes, and every way a request
can fail turned into a :class:`SyncProblem` with plain words.

A problem is either worth retrying (the network, a busy centre, a garbled answer) or
needs a person (a wrong token or certificate, a refused batch): :attr:`SyncProblem.retry`.
"""

from __future__ import annotations

import ssl
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path
from typing import Annotated, Any, TypeVar

import httpx
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr
from pydantic import ValidationError as PydanticValidationError

from kiosk.errors import KioskError

ModelT = TypeVar("ModelT", bound=BaseModel)

_ENCODING_HEADERS = frozenset({b"content-encoding", b"content-length", b"transfer-encoding"})
"""Headers that describe the bytes on the wire, not the decoded answer kept."""

RETRY_AFTER_CAP_S = 3600.0
"""A Retry-After longer than this is read as this (a garbled header must not stall sync)."""

MAX_CURSOR = 2**63 - 1
"""The largest change id a centre holds (a signed 64-bit integer): a larger one is garbage."""


class SyncProblem(KioskError):
    """Sync could not finish; ``retry`` says whether trying again later can help.

    Attributes:
        retry: True for the network, a busy centre or a garbled answer; False when a
            person must act (token, certificate, a batch the centre refuses).
        retry_after: seconds the centre asked to wait (``Retry-After``), or None.
    """

    def __init__(
        self,
        key: str,
        *,
        retry: bool,
        retry_after: float | None = None,
        resume_from: int | None = None,
        **params: Any,
    ) -> None:
        super().__init__(key, **params)
        self.retry = retry
        self.retry_after = retry_after
        self.resume_from = resume_from
        """For a gap: the sequence number the centre expects next."""


@dataclass(frozen=True)
class Endpoint:
    """Where and how to reach the centre.

    Attributes:
        url: base URL (``https://...``).
        token: this counter's bearer token.
        timeout_s: the longest one request may take, connect to last byte.
        ca_file: a CA bundle to trust instead of the system's (a private PKI), or None.
    """

    url: str
    token: str
    timeout_s: float = 10.0
    ca_file: Path | None = None


class EventResultIn(BaseModel):
    """The centre's word on one event."""

    model_config = ConfigDict(extra="ignore")

    uuid: StrictStr
    status: StrictStr
    held: StrictStr
    reason: StrictStr | None = None


class EventsAnswerIn(BaseModel):
    """The centre's answer to a pushed batch."""

    model_config = ConfigDict(extra="ignore")

    results: list[EventResultIn]


class ChangeIn(BaseModel):
    """One change the centre sends down."""

    model_config = ConfigDict(extra="ignore")

    id: Annotated[StrictInt, Field(ge=1, le=MAX_CURSOR)]
    kind: StrictStr
    data: dict[str, Any]


class ChangesPageIn(BaseModel):
    """A page of changes and the cursor after it."""

    model_config = ConfigDict(extra="ignore")

    changes: list[ChangeIn]
    next: Annotated[StrictInt, Field(ge=0, le=MAX_CURSOR)]
    more: StrictBool


class CentralClient:
    """The two requests a counter makes; one keep-alive connection, closed by :meth:`close`.

    Args:
        endpoint: where the centre is.
        transport: an httpx transport to use instead of the network (in-process tests).
    """

    def __init__(self, endpoint: Endpoint, transport: httpx.BaseTransport | None = None) -> None:
        # The system's trust store, or the office's own CA bundle; never no verification.
        try:
            verify = ssl.create_default_context(
                cafile=str(endpoint.ca_file) if endpoint.ca_file is not None else None
            )
        except (OSError, ssl.SSLError) as error:
            raise SyncProblem("sync.tls", retry=False, problem=_first_line(error)) from None
        self._timeout_s = endpoint.timeout_s
        self._http = httpx.Client(
            base_url=endpoint.url,
            timeout=endpoint.timeout_s,
            verify=verify,
            headers={"Authorization": f"Bearer {endpoint.token}"},
            # No cookies: the API needs none, and a garbled Set-Cookie kept in the jar would
            # break every later request.
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
            transport=transport,
        )

    def close(self) -> None:
        """Close the connection."""
        self._http.close()

    def __enter__(self) -> CentralClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def post_events(self, body: dict[str, Any]) -> EventsAnswerIn:
        """Push one batch; the answer says per event stored, refused or duplicate."""
        answer = self._send("POST", "/v1/events", json=body)
        return _parse(EventsAnswerIn, answer)

    def get_changes(self, since: int, limit: int) -> ChangesPageIn:
        """The changes after ``since`` for this counter's office."""
        answer = self._send("GET", "/v1/changes", params={"since": since, "limit": limit})
        return _parse(ChangesPageIn, answer)

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._exchange(method, path, **kwargs)
        except httpx.TimeoutException:
            raise SyncProblem("sync.timeout", retry=True) from None
        except httpx.ConnectError as error:
            if _is_certificate_problem(error):
                raise SyncProblem("sync.tls", retry=False, problem=_first_line(error)) from None
            raise SyncProblem("sync.unreachable", retry=True, problem=_first_line(error)) from None
        except httpx.TransportError as error:
            raise SyncProblem(
                "sync.connection_lost", retry=True, problem=_first_line(error)
            ) from None
        except httpx.DecodingError:  # a body its Content-Encoding does not describe
            raise SyncProblem("sync.bad_answer", retry=True) from None
        if response.status_code >= 400:
            raise _problem_of(response)
        return response

    def _exchange(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The whole answer, within ``timeout_s`` from the first byte sent to the last
        received: httpx's own timeouts are per phase, and a read timeout starts again with
        every piece, so an answer trickling in could otherwise hold sync for ever."""
        deadline = time.monotonic() + self._timeout_s
        with self._http.stream(method, path, **kwargs) as streamed:
            pieces = []
            for piece in streamed.iter_bytes():  # decoded (Content-Encoding) as it comes
                pieces.append(piece)
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("the answer took longer than the timeout")
            headers = [
                (name, value)
                for name, value in streamed.headers.raw
                if name.lower() not in _ENCODING_HEADERS
            ]
            return httpx.Response(
                streamed.status_code,
                headers=headers,
                content=b"".join(pieces),
                request=streamed.request,
            )


def _parse(model: type[ModelT], response: httpx.Response) -> ModelT:
    try:
        return model.model_validate_json(response.content)
    except PydanticValidationError:
        raise SyncProblem("sync.bad_answer", retry=True, status=response.status_code) from None


def _problem_of(response: httpx.Response) -> SyncProblem:
    """The problem an error answer stands for."""
    status = response.status_code
    detail = _detail(response)
    if status == 401:
        return SyncProblem("sync.auth", retry=False)
    if status == 403:
        return SyncProblem("sync.forbidden", retry=False, detail=detail)
    if status == 409:
        return SyncProblem(
            "sync.chain", retry=False, detail=detail, resume_from=_expected_seq(response)
        )
    if status == 422:
        return SyncProblem("sync.malformed", retry=False, detail=detail)
    if status in (408, 429) or status >= 500:
        return SyncProblem(
            "sync.busy",
            retry=True,
            retry_after=retry_after_seconds(response.headers.get("Retry-After")),
            status=status,
        )
    return SyncProblem("sync.unexpected", retry=False, status=status, detail=detail)


def _expected_seq(response: httpx.Response) -> int | None:
    """For a 409 "gap": the sequence number the centre expects next, else None."""
    try:
        body = response.json()
    except (ValueError, RecursionError):
        return None
    if not isinstance(body, dict) or body.get("error") != "gap":
        return None
    expected = body.get("expected_seq")
    if isinstance(expected, int) and not isinstance(expected, bool) and 1 <= expected < 2**63:
        return expected
    return None


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds (delay-seconds or an HTTP date), capped; None if absent
    or unreadable."""
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():  # not "²" or "٣", which isdigit() also accepts
        return min(float(text), RETRY_AFTER_CAP_S)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 0.0), RETRY_AFTER_CAP_S)


def _detail(response: httpx.Response) -> str:
    """The centre's plain words on an error, short, or ""."""
    try:
        body = response.json()
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested too deeply
        return ""
    if not isinstance(body, dict):
        return ""
    detail = body.get("detail") or body.get("error") or ""
    if not isinstance(detail, str):
        detail = body.get("error", "")
    # Shown on screen and stored with the last problem: printable, valid Unicode only.
    text = str(detail)[:200].encode("utf-8", "replace").decode("utf-8")
    return "".join(char if char.isprintable() else " " for char in text)


def _is_certificate_problem(error: BaseException) -> bool:
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        if isinstance(seen, ssl.SSLError) and "CERTIFICATE" in str(seen).upper():
            return True
        seen = seen.__cause__ or seen.__context__
    return "CERTIFICATE_VERIFY_FAILED" in str(error)


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:200]
