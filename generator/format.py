"""black, in-process, with one pinned mode (no project configuration is read)."""

from __future__ import annotations


def format_python(source: str, path: str) -> str:
    """Format generated Python; a failure means a template produced invalid code."""
    import black
    from black.mode import TargetVersion
    from black.parsing import InvalidInput

    mode = black.Mode(
        target_versions={TargetVersion.PY310},
        line_length=88,
        string_normalization=True,
        magic_trailing_comma=True,
    )
    try:
        return black.format_str(source, mode=mode)
    except InvalidInput as error:  # pragma: no cover - a generator bug, not user input
        raise AssertionError(
            f"generated {path} is not valid Python: {error}"
        ) from error
