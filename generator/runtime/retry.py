"""The retry decision's parts: backoff, `Retry-After`, the server's clock, and which
failures may be passing."""

from __future__ import annotations

import email.utils
import math
import random
import time
from dataclasses import dataclass

import httpx

DEFAULT_MAX_RETRIES = 2


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter; a `Retry-After` of at most `max_retry_after`
    seconds is waited for as it says, a longer one ends the retries."""

    max_retries: int = DEFAULT_MAX_RETRIES
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0

    def delay(self, attempt: int, headers: httpx.Headers | None) -> float | None:
        """Seconds before retry number `attempt + 1`, or None when the server asked for
        a longer wait than the cap."""
        retry_after = _retry_after(headers) if headers is not None else None
        if retry_after is not None:
            return retry_after if retry_after <= self.max_retry_after else None
        backoff = min(self.initial_delay * 2.0**attempt, self.max_delay)
        # Jitter spreads out clients that failed together, so they do not retry together.
        return backoff * (1 - 0.25 * random.random())


def _retry_after(headers: httpx.Headers) -> float | None:
    """`Retry-After` in seconds (delay-seconds, or an HTTP date: a past one is now);
    None when absent or unreadable."""
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return seconds if 0 <= seconds < math.inf else None
    moment = _http_date(value)
    return max(moment - time.time(), 0.0) if moment is not None else None


def _server_time(headers: httpx.Headers) -> float | None:
    """The server's clock as its `Date` header tells, in Unix seconds; None when absent
    or unreadable."""
    value = headers.get("date")
    return _http_date(value) if value is not None else None


def _http_date(value: str) -> float | None:
    """An RFC 7231 HTTP date in Unix seconds; None when unreadable or without a zone."""
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return moment.timestamp() if moment.tzinfo is not None else None


# How far the response's `Date` must be from the time a request was signed with before a
# clock-skew code is put down to the clocks: `Date` has whole seconds and comes after the
# network's delay, and every vendor's window is minutes wide. Nearer, the code has another
# cause (Huawei's one code for every IAM failure), and re-signing would not help.
_SKEW_EVIDENCE = 10.0


# Failures where the request provably never reached the server: safe to retry, even for
# a submit. A pool timeout is not among them: it is no failure of the vendor's, and is
# never retried (the client queues its calls so that it does not happen).
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout)
# Failures that may be passing: a read retries them, a submit does not (it may have
# arrived). Errors in what we send (LocalProtocolError, UnsupportedProtocol) are not.
_TRANSIENT = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
    httpx.ProxyError,
)
