"""Waiting for a job: the intervals between polls, and the deadline they run under."""

from __future__ import annotations

import logging
import math
from contextvars import Token
from types import TracebackType

from .deadline import _BUDGET, REAL_CLOCK, Clock
from .errors import APITimeoutError, JobTimeoutError

logger = logging.getLogger(__name__.rsplit(".", 2)[0])


class JobPoller:
    """The waiting side of `wait_for_job`: growing intervals, bounded by a deadline.

    Only the lifecycle's final states end a wait; any other state, one the API does not
    document or none at all, counts as still running and is logged once at WARNING.

    Each poll runs inside it (`with poller: ...`): the poll, its retries and its queueing
    end with the wait, and a poll that times out, at the wait's end or its own, raises
    JobTimeoutError with the last state seen.
    """

    def __init__(
        self,
        *,
        job_id: str,
        timeout: float,
        interval: float,
        max_interval: float,
        states: tuple[str, ...] = (),
        clock: Clock = REAL_CLOCK,
    ) -> None:
        # Checked before the first poll: a wrong type would otherwise surface as a bare
        # TypeError from a comparison, after a request had been sent.
        timeout = _seconds("timeout", timeout, endless=True)
        interval = _seconds("poll_interval", interval)
        max_interval = _seconds("max_poll_interval", max_interval)
        self.job_id = job_id
        self.clock = clock
        self.timeout = timeout
        self._started = clock.monotonic()
        self._deadline = self._started + timeout
        self._interval = interval
        # A caller who asks for a longer first interval than the cap gets a steady one.
        self._max_interval = max(max_interval, interval)
        self._states = frozenset(states)
        self._reported: set[str | None] = set()
        self._state: str | None = None
        self._token: Token[float | None] | None = None

    def __enter__(self) -> JobPoller:
        outer = _BUDGET.get()
        self._token = _BUDGET.set(
            outer if outer is not None and outer < self._deadline else self._deadline
        )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._token is not None:
            _BUDGET.reset(self._token)
            self._token = None
        if isinstance(exc, APITimeoutError):
            # The caller asked about the job, not about one poll: the last state seen is
            # what they can act on, and the poll's error stays reachable as the cause.
            now = self.clock.monotonic()
            raise JobTimeoutError(
                job_id=self.job_id,
                state=self._state,
                timeout=self.timeout,
                waited=None if now >= self._deadline else now - self._started,
            ) from exc

    def next_delay(self, state: str | None) -> float:
        """Seconds to sleep before the next poll; raises JobTimeoutError when time is up."""
        self._state = state
        if state not in self._states and state not in self._reported:
            self._reported.add(state)
            logger.warning(
                "job %s reports %s, which the API does not document; still waiting",
                self.job_id,
                f"state {state!r}" if state is not None else "no state",
            )
        remaining = self._deadline - self.clock.monotonic()
        if remaining <= 0:
            raise JobTimeoutError(job_id=self.job_id, state=state, timeout=self.timeout)
        delay = min(self._interval, remaining)
        self._interval = min(self._interval * 1.5, self._max_interval)
        return delay

    async def pause(self, state: str | None) -> None:
        """The async wait before the next poll, as long as `next_delay(state)`."""
        await self.clock.asleep(self.next_delay(state))

    def pause_sync(self, state: str | None) -> None:
        """The blocking wait before the next poll, as long as `next_delay(state)`."""
        self.clock.sleep(self.next_delay(state))


def _seconds(name: str, value: object, *, endless: bool = False) -> float:
    """`value` as a number of seconds above 0 (infinite only if `endless`), or the error
    naming the argument: TypeError for what is no number (a bool, text), ValueError for a
    number out of range."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(
            f"{name} must be a number of seconds, not {type(value).__name__}"
        )
    try:
        seconds = float(value)
    except OverflowError:  # an int no float holds: longer than any wait
        seconds = math.inf
    if not seconds > 0 or (seconds == math.inf and not endless):
        raise ValueError(
            f"{name} must be a {'' if endless else 'finite '}number of "
            f"seconds above 0, got {value!r}"
        )
    return seconds
