"""One parser per page layout, behind one interface: `Layout.parse(source) -> Page`.

A layout is named in `pages.yaml` (`layout: huawei`). A new vendor's pages need a module
here with a class that has a `name` and a `parse`, registered in `LAYOUTS`.
"""

from __future__ import annotations

from typing import Protocol

from ..model import Page
from ..source import Source
from .alibaba import AlibabaLayout
from .huawei import HuaweiLayout
from .tencent_api3 import TencentApi3Layout
from .tencent_ci import TencentCiLayout


class Layout(Protocol):
    name: str

    def parse(self, source: Source) -> Page:
        """What the page says; raises `PageError` for a page it cannot read."""
        ...


LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        HuaweiLayout(),
        AlibabaLayout(),
        TencentApi3Layout(),
        TencentCiLayout(),
    )
}
