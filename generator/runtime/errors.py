"""Errors raised by generated clients.

Every error carries what a caller needs to act on it or report it to the vendor (status,
vendor error code, message, request id, raw body) and never a credential: request headers
are not kept.
"""

from __future__ import annotations

from typing import Any

BODY_LIMIT = 64 * 1024
"""Bytes of a response body an error keeps (and a client reads of an error response)."""


class APIError(Exception):
    """Base class of every error a generated client raises for a call it made."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class APIConnectionError(APIError):
    """The server could not be reached, or the connection broke before the whole response
    arrived. When it broke after the headers, `status_code`, `request_id` and the part of
    the `body` received are kept; otherwise they are None, None and b"".
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        request_id: str | None = None,
        body: bytes = b"",
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.request_id = request_id
        self.body = body[:BODY_LIMIT]


class APITimeoutError(APIConnectionError):
    """The call's deadline (the client's `timeout`) passed, or one of the per-phase
    timeouts of an `httpx.Timeout`, on the last attempt the deadline left room for."""


class APIStatusError(APIError):
    """The server answered with an error: an HTTP error status, or a 2xx carrying an error body."""

    def __init__(
        self,
        *,
        status_code: int,
        code: str | None,
        message: str,
        request_id: str | None,
        body: bytes,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.request_id = request_id
        self.body = body[:BODY_LIMIT]

    def __str__(self) -> str:
        code = f" {self.code}" if self.code else ""
        request_id = f" (request id {self.request_id})" if self.request_id else ""
        return f"HTTP {self.status_code}{code}: {self.message}{request_id}"


class BadRequestError(APIStatusError):
    """HTTP 400: the vendor rejected a parameter."""


class AuthenticationError(APIStatusError):
    """HTTP 401, or a vendor code the API names an authentication failure (whatever the
    status): credentials missing, wrong or expired, or a bad signature."""


class ClockSkewError(AuthenticationError):
    """The vendor refused the request's signed time (a code the API names a clock skew),
    and the response's `Date` shows the clocks still apart after the one re-signing a
    call gets. `offset`: seconds the server's clock is ahead of this machine's (negative:
    behind), as that `Date` tells."""

    def __init__(
        self,
        *,
        offset: float,
        status_code: int,
        code: str | None,
        message: str,
        request_id: str | None,
        body: bytes,
    ) -> None:
        super().__init__(
            status_code=status_code,
            code=code,
            message=message,
            request_id=request_id,
            body=body,
        )
        self.offset = offset


class PermissionDeniedError(APIStatusError):
    """HTTP 403: the credentials may not call this operation."""


class NotFoundError(APIStatusError):
    """HTTP 404: no such resource (for example an unknown job id)."""


class RateLimitError(APIStatusError):
    """HTTP 429, or a vendor code the API names throttling (whatever the status): too
    many requests."""


class InternalServerError(APIStatusError):
    """HTTP 5xx: the vendor failed."""


class RedirectError(APIStatusError):
    """HTTP 3xx: the server sent the call elsewhere (`location`). Redirects are never
    followed, whatever the `http_client`: the request carries credentials and signed
    headers meant for the client's own endpoint only."""

    def __init__(
        self,
        *,
        location: str | None,
        status_code: int,
        code: str | None,
        message: str,
        request_id: str | None,
        body: bytes,
    ) -> None:
        super().__init__(
            status_code=status_code,
            code=code,
            message=message,
            request_id=request_id,
            body=body,
        )
        self.location = location


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The most specific error class for an HTTP status."""
    if status_code >= 500:
        return InternalServerError
    return _BY_STATUS.get(status_code, APIStatusError)


class APIResponseValidationError(APIError):
    """A successful response whose body does not match the API's schema.

    The raw body is kept (its first 64 KiB), so what the vendor sent can be reported.
    """

    def __init__(
        self, message: str, *, status_code: int, request_id: str | None, body: bytes
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.request_id = request_id
        self.body = body[:BODY_LIMIT]


class JobFailedError(APIError):
    """`wait_for_job` saw the job reach a failed state, or report a failure code the API
    does not count as success (in any state: `state` is the one it reported, if any).

    `code` and `message` are the vendor's, as on `APIStatusError`; `result` is the last
    response, typed.
    """

    def __init__(
        self,
        *,
        job_id: str,
        state: str | None,
        code: str | None,
        message: str | None,
        result: Any,
    ) -> None:
        super().__init__(message or "")
        self.job_id = job_id
        self.state = state
        self.code = code
        self.result = result

    def __str__(self) -> str:
        detail = " ".join(part for part in (self.code, self.message) if part)
        ended = f"ended in state {self.state}" if self.state is not None else "failed"
        return f"job {self.job_id} {ended}" + (f": {detail}" if detail else "")


class JobNotFoundError(JobFailedError):
    """`wait_for_job` was told by the service that no job has this id (a typo, another
    account's or region's job, or one the service has forgotten): waiting would never end.
    `state` is None; `result` is the answer that said so, typed."""

    def __init__(self, *, job_id: str, result: Any) -> None:
        super().__init__(
            job_id=job_id,
            state=None,
            code=None,
            message="the service reports no job with this id",
            result=result,
        )

    def __str__(self) -> str:
        return f"job {self.job_id} does not exist: {self.message}"


class JobTimeoutError(APIError):
    """`wait_for_job` gave up before the job reached a final state: its `timeout` passed,
    or a poll timed out (then chained, as `__cause__`, to that poll's APITimeoutError).
    `state` is the last state seen, None if no poll reported one."""

    def __init__(
        self,
        *,
        job_id: str,
        state: str | None,
        timeout: float,
        waited: float | None = None,
    ) -> None:
        seen = f"still in state {state}" if state is not None else "reported no state"
        if waited is None:
            ended = f"after waiting {timeout:g} s"
        else:
            # The wait's own time had not run out: say what ended it, and when.
            ended = (
                f"when a poll timed out, {waited:.3g} s into a wait of {timeout:g} s"
            )
        super().__init__(f"job {job_id} {seen} {ended}")
        self.job_id = job_id
        self.state = state
        self.timeout = timeout
