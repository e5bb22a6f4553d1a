"""The official SDKs as a second source: their model classes against the spec.

`pages.yaml` names each API's SDK (`sdk:`, see `mapping.py`). When it is installed,
every operation of the spec is compared with the SDK's request and response classes
(`<operationId>Request` / `<operationId>Response` unless named): the fields, their types,
and their optionality and enum values where the SDK states them. When it is not, the
comparison is skipped with one line saying so: `make test` never needs an SDK.

| module | job |
|---|---|
| `model.py` | what a model class says (`SdkField`), the `Reader` interface |
| `huawei.py` | Huawei SDKs: `openapi_types` / `attribute_map`, required from `__init__` |
| `alibaba.py` | Alibaba Tea models: `__init__` annotations, `to_map` names, comments |
| `tencent.py` | Tencent `AbstractModel`s: `:type X:` docstrings, `_deserialize` names |
| `compare.py` | an operation against its models: `Finding`s, as pages give |
| `run.py` | importing the SDK, its version, each operation, accepted differences |

A new vendor's SDK needs a reader with a `name`, a `response_root`, `request` and
`response`, registered in `READERS`.
"""

from __future__ import annotations

from .alibaba import AlibabaReader
from .huawei import HuaweiReader
from .model import Reader
from .tencent import TencentReader

READERS: dict[str, Reader] = {
    reader.name: reader for reader in (HuaweiReader(), AlibabaReader(), TencentReader())
}
