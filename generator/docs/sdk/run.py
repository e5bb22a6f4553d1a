"""One API's SDK: import it (or say why not), then compare each operation of the spec."""

from __future__ import annotations

import importlib
import importlib.metadata
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..mapping import SdkConfig
from ..model import Finding, PageError, SdkStatus
from ..spec_view import Resolver, SpecOperation
from . import READERS
from .compare import compare_operation
from .model import SdkError, SdkOperation


@dataclass(frozen=True)
class SdkRun:
    status: SdkStatus
    display: str  # what a difference names as its source: the distribution and version
    findings: list[Finding] = field(default_factory=list)


def installed_version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def run_sdk(
    config: SdkConfig,
    spec_operations: Mapping[str, SpecOperation],
    resolver: Resolver,
) -> SdkRun:
    """Raises `PageError` for an SDK that is installed but cannot be read."""
    name = config.distribution
    if config.skip is not None:
        note = f"{name}: not compared: {config.skip}"
        return SdkRun(SdkStatus(name, None, False, note), name)
    try:
        module = importlib.import_module(config.module)
    except ImportError:
        pin = f"=={config.version}" if config.version else ""
        note = (
            f"{name} is not installed: SDK comparison skipped (pip install {name}{pin})"
        )
        return SdkRun(SdkStatus(name, None, False, note), name)
    version = installed_version(name)
    display = f"{name} {version or '(version unknown)'}"
    reader = READERS[config.reader]
    findings: list[Finding] = []
    for operation_id in sorted(spec_operations):
        request_class, response_class = config.class_names(operation_id)
        try:
            request = reader.request(module, request_class)
            response = reader.response(module, response_class)
        except SdkError as error:
            raise PageError(display, None, str(error)) from None
        missing = [
            found
            for found, part in ((request_class, request), (response_class, response))
            if part is None
        ]
        if missing:
            for class_name in missing:
                findings.append(
                    Finding(
                        operation_id, "sdk", class_name, "operation", None, "declared"
                    )
                )
            continue
        assert request is not None and response is not None
        findings += compare_operation(
            spec_operations[operation_id],
            SdkOperation(request, response),
            reader.response_root,
            resolver,
        )
    compared = len(spec_operations)
    note = f"{display}: {compared} operation{'' if compared == 1 else 's'} compared"
    if config.version and version != config.version:
        note += f" (pages.yaml was checked with {config.version})"
    return SdkRun(SdkStatus(name, version, True, note), display, findings)
