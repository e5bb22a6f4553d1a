"""Set-up of the reliability tests.

Each test creates its clients afresh, and every `httpx.Client()` loads the CA bundle into
a new SSL context (about 30 ms, for servers that speak plain HTTP here). The tests share
one context instead: nothing they check depends on it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

import httpx._transports.default as default_transport
import pytest
from httpx._config import create_ssl_context


@pytest.fixture(autouse=True, scope="session")
def _one_ssl_context() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            default_transport,
            "create_ssl_context",
            functools.cache(create_ssl_context),
        )
        yield
