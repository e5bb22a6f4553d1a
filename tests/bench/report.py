"""`docs/bench/results.md`, `generation.png` and `clients.png`, from the stages' JSON in
`docs/bench/data/` (so the report can be rewritten without measuring again)."""

from __future__ import annotations

import importlib
import math
from typing import Any

from tests.bench.common import DOCS, load, say
from tests.bench.vendors import PACKAGES

OURS = "tts-sdkgen"
VENDORS = {
    "huawei-metastudio": "Huawei MetaStudio",
    "alibaba-ice": "Alibaba ICE",
    "tencent-mps": "Tencent MPS",
    "tencent-ci": "Tencent CI (XML)",
}
CALLS = {
    "huawei-metastudio": ("create_async_tts_job", "show_async_tts_job"),
    "alibaba-ice": ("submit_audio_produce_job", "get_smart_handle_job"),
    "tencent-mps": ("text_to_speech_async", "describe_text_to_speech_async_task"),
    "tencent-ci": ("submit_tts_job", "describe_tts_jobs"),
}


def _s(seconds: float) -> str:
    if math.isnan(seconds):
        return "\u2013"
    return (
        f"{seconds:.3f} s"
        if seconds < 1
        else f"{seconds:.2f} s"
        if seconds < 10
        else f"{seconds:.1f} s"
    )


def _mib(size: float) -> str:
    return f"{size / 2**20:.0f} MiB"


def _mb(size: float) -> str:
    return f"{size / 1e6:.2f} MB"


def _n(value: float) -> str:
    return f"{value:,.0f}"


def _x(value: float) -> str:
    return "\u2013" if math.isnan(value) or math.isinf(value) else f"{value:.2f}\u00d7"


def _yes(ok: bool) -> str:
    return "**met**" if ok else "not met"


def _wall(found: dict[str, Any]) -> str:
    if found["ok"] == 0 and found["timed_out"]:
        return f"> {found['cap']:.0f} s (stopped)"
    if found["ok"] == 0:
        return "failed"
    return _s(found["wall"])


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def machine_lines(machine: dict[str, Any]) -> list[str]:
    return [
        f"Measured {machine['date']} at commit `{machine['commit']}`, on "
        f"{machine['nproc']} cores ({machine['cpu_model']}), {machine['memory']}, "
        f"{machine['implementation']} {machine['python']}, {machine['platform']}"
        + (f", {machine['java']}" if machine.get("java") else ", no JVM")
        + ". The machine is shared"
        + (
            f" (1-minute load average {machine['load_start']:.1f} when this run began, "
            f"{machine['load_end']:.1f} when it ended, "
            f"{machine['seconds'] / 60:.0f} minutes later)"
            if "load_end" in machine
            else ""
        )
        + ": every ratio below compares tools measured side by side in the same run, "
        "runs interleaved; CPU per call is steadier than calls/s under load.",
    ]


def _sizes_and_ratios(scaling: dict[str, Any]) -> tuple[list[int], list[str]]:
    sizes = sorted(int(size) for size in scaling)
    tools = list(scaling[str(sizes[0])])
    return sizes, tools


def targets(
    generation: dict[str, Any] | None, clients: dict[str, Any] | None
) -> list[list[str]]:
    rows: list[list[str]] = []
    if generation and "repository" in generation:
        repo = generation["repository"]
        rows.append(
            [
                "all APIs cold ≤ 1.0 s",
                _s(repo["cold"]["wall"]),
                _yes(repo["cold"]["wall"] <= 1.0),
            ]
        )
        rows.append(
            [
                "no-op ≤ 0.3 s",
                _s(repo["noop"]["wall"]),
                _yes(repo["noop"]["wall"] <= 0.3),
            ]
        )
    if generation and "1000" in generation["scaling"]:
        large = generation["scaling"]["1000"]
        ours = large[OURS]
        peers = {name: found for name, found in large.items() if name != OURS}
        fastest = min(
            peers,
            key=lambda name: peers[name]["wall"] if peers[name]["ok"] else math.inf,
        )
        done = ours["ok"] > 0
        rows.append(
            [
                "1,000 operations faster than every peer",
                f"{_wall(ours)}; fastest peer {fastest} {_wall(peers[fastest])}",
                _yes(
                    done
                    and all(ours["wall"] < p["wall"] for p in peers.values() if p["ok"])
                ),
            ]
        )
        rows.append(
            [
                "1,000 operations ≤ 1 GiB peak",
                f"{_mib(ours['peak_rss'])}"
                + ("" if done else f" when stopped at {ours['cap']:.0f} s, unfinished"),
                _yes(done and ours["peak_rss"] <= 2**30),
            ]
        )
    if generation and {"10", "100", "1000"} <= set(generation["scaling"]):
        walls = {
            size: generation["scaling"][size][OURS] for size in ("10", "100", "1000")
        }
        first = walls["100"]["wall"] / walls["10"]["wall"]
        if walls["1000"]["ok"]:
            second = f"{walls['1000']['wall'] / walls['100']['wall']:.1f}\u00d7"
            linear = walls["1000"]["wall"] / walls["100"]["wall"] <= 12
        else:
            second = (
                f"> {walls['1000']['cap'] / walls['100']['wall']:.1f}\u00d7 (capped)"
            )
            linear = False
        rows.append(
            [
                "time grows linearly with operations",
                f"\u00d710 operations: {first:.1f}\u00d7 the time (10→100), {second} (100→1,000)",
                _yes(linear and first <= 12),
            ]
        )
    if clients:
        per_call = clients["per_call"]
        worst_official = math.inf
        worst_httpx = math.inf
        detail_o, detail_h = [], []
        for api in VENDORS:
            found = per_call[api]
            ours = found["ours"]["submit"]["calls_per_s"]
            official = found["official"]["submit"]["calls_per_s"]
            bare = found["httpx"]["submit"]["calls_per_s"]
            cpu = found["ours"]["submit"]["cpu_us"]
            if found["official"]["submit"]["runs"]:
                worst_official = min(worst_official, ours / official)
                cpu_ratio = found["official"]["submit"]["cpu_us"] / cpu
                detail_o.append(
                    f"{VENDORS[api]} {_x(ours / official)} (CPU {_x(cpu_ratio)})"
                )
            worst_httpx = min(worst_httpx, ours / bare)
            cpu_ratio = cpu / found["httpx"]["submit"]["cpu_us"]
            detail_h.append(f"{VENDORS[api]} {_x(bare / ours)} (CPU {_x(cpu_ratio)})")
        rows.append(
            [
                "≥ 2\u00d7 the official SDK's calls/s (sync submit; in brackets: its CPU "
                "per call ÷ ours)",
                ", ".join(detail_o),
                _yes(worst_official >= 2),
            ]
        )
        rows.append(
            [
                "within 1.2\u00d7 of bare httpx (sync submit: httpx calls/s ÷ ours; in "
                "brackets: our CPU per call ÷ httpx's)",
                ", ".join(detail_h),
                _yes(1 / worst_httpx <= 1.2),
            ]
        )
        imports = clients["imports"]
        fastest = min(imports[f"{api} official"]["ms"] for api in VENDORS)
        slowest_ours = max(imports[f"{api} ours"]["ms"] for api in VENDORS)
        rows.append(
            [
                "import no slower than the fastest official SDK",
                f"ours {slowest_ours:.0f} ms at most; fastest official {fastest:.0f} ms",
                _yes(slowest_ours <= fastest),
            ]
        )
        largest = max(found["ours"] for found in clients["sizes"].values())
        rows.append(
            [
                "package ≤ 5 MB without httpx/pydantic",
                f"{_mb(largest)} at most (installed, with byte code)",
                _yes(largest <= 5e6),
            ]
        )
    return rows


def generation_lines(generation: dict[str, Any]) -> list[str]:
    lines = ["## Generation", ""]
    for note in generation.get("notes", []):
        lines += [f"*{note}*", ""]
    if "repository" in generation:
        repo = generation["repository"]
        lines += [
            f"### This repository's {repo['apis']} APIs (`python -m generator generate --out <tmp>`)",
            "",
            *_table(
                ["run", "wall (median)", "min\u2013max", "CPU", "peak RSS"],
                [
                    [
                        label,
                        _s(found["wall"]),
                        f"{_s(found['wall_min'])} \u2013 {_s(found['wall_max'])}",
                        _s(found["cpu"]),
                        _mib(found["peak_rss"]),
                    ]
                    for label, found in (
                        ("cold (empty folder, `--force`)", repo["cold"]),
                        ("no-op (nothing changed)", repo["noop"]),
                    )
                ],
            ),
            "",
            f"Median of {generation['runs']} whole processes each. CPU counts the worker "
            "processes the generator forks (one per API, on all cores).",
            "",
        ]
    scaling = generation["scaling"]
    sizes, tools = _sizes_and_ratios(scaling)
    rows = []
    for size in sizes:
        found_size = scaling[str(size)]
        ours = found_size[OURS]
        for tool in tools:
            found = found_size[tool]
            ratio = (
                found["wall"] / ours["wall"]
                if found["ok"] and ours["ok"]
                else float("nan")
            )
            rows.append(
                [
                    f"{size:,}",
                    tool,
                    _wall(found),
                    "1" if tool == OURS else _x(ratio),
                    _s(found["cpu"]),
                    _mib(found["peak_rss"]),
                    f"{found['files']:,} files, {_mb(found['bytes'])}"
                    if found["ok"]
                    else "\u2013",
                    str(len(found["runs"])),
                ]
            )
    cap = generation.get("cap", 0)
    lines += [
        "### The synthetic spec, 10 to 1,000 operations, against the peers",
        "",
        "`tests/bench/synth.py` scales one submit/query pair modelled on the real specs "
        "(ranges, enums, nested and inline objects, arrays, booleans, date-times, JSON inside "
        "strings, byte limits, and the `x-sdkgen-*` extensions): every tool reads the same "
        "file. Peak RSS is that of the largest process of the tool's tree (Java for "
        "OpenAPI Generator).",
        "",
        *_table(
            [
                "operations",
                "tool",
                "wall (median)",
                "÷ tts-sdkgen",
                "CPU",
                "peak RSS",
                "output",
                "runs",
            ],
            rows,
        ),
        "",
        f"10 and 100 operations: median of {generation['runs']} runs; 1,000 operations: "
        f"median of {generation.get('large_runs', 1)} runs per tool, each stopped after "
        f"{cap:.0f} s. What each produces: "
        + "; ".join(f"{name}: {what}" for name, what in generation["tools"].items())
        + ". "
        + " ".join(
            f"{name} runs with {', '.join(f'`{k}={v}`' for k, v in env.items())} "
            "(swagger-parser refuses YAML over 3 Mi code points otherwise)."
            for name, env in generation.get("tool_env", {}).items()
        ),
        "",
        *[
            f"- {name} at {size} operations failed: `{' / '.join(found['error'][-2:])}`"
            for size, by_tool in scaling.items()
            for name, found in by_tool.items()
            if found.get("error")
        ],
        "",
        "![time vs operations](generation.png)",
        "",
    ]
    return lines


def clients_lines(clients: dict[str, Any]) -> list[str]:
    per_call = clients["per_call"]
    rows = []
    for api, label in VENDORS.items():
        found = per_call[api]
        for index, call in enumerate(("submit", "query")):
            ours = found["ours"][call]
            official = found["official"][call]
            bare = found["httpx"][call]
            rows.append(
                [
                    f"{label}: `{CALLS[api][index]}`",
                    _n(ours["calls_per_s"]),
                    _n(official["calls_per_s"]) if official["runs"] else "\u2013",
                    _n(bare["calls_per_s"]),
                    _x(ours["calls_per_s"] / official["calls_per_s"])
                    if official["runs"]
                    else "\u2013",
                    _x(ours["calls_per_s"] / bare["calls_per_s"]),
                    f"{ours['cpu_us']:.0f}",
                    f"{official['cpu_us']:.0f}" if official["runs"] else "\u2013",
                    f"{bare['cpu_us']:.0f}",
                ]
            )
    async_rows = []
    for api, label in VENDORS.items():
        found = per_call[api]
        for index, call in enumerate(("submit", "query")):
            ours = found["ours-async"][call]
            bare = found["httpx-async"][call]
            async_rows.append(
                [
                    f"{label}: `{CALLS[api][index]}`",
                    _n(ours["calls_per_s"]),
                    _n(bare["calls_per_s"]),
                    _x(ours["calls_per_s"] / bare["calls_per_s"]),
                    f"{ours['cpu_us']:.0f}",
                    f"{bare['cpu_us']:.0f}",
                ]
            )
    versions = ", ".join(
        f"{name} {version}" for name, version in clients["versions"].items()
    )
    lines = [
        "## Clients",
        "",
        "One call is build (the arguments' models, the SDK's request object), validate, "
        "sign, send, parse, one at a time on one keep-alive connection, against a loopback "
        "server (its own process) that answers with the vendor's documented response (the "
        "contract cassettes). Bare httpx sends the generated client's bytes (signature "
        "included) and parses the body with `json.loads` (XML: `ElementTree`). CPU is the "
        "client process's own (every thread), per call. "
        f"Median of {clients['runs']} processes of {clients['calls']:,} calls each "
        f"(after {clients['warmup']} unmeasured). Versions: {versions}.",
        "",
        "### Sync",
        "",
        *_table(
            [
                "vendor: call",
                "ours calls/s",
                "official calls/s",
                "httpx calls/s",
                "ours ÷ official",
                "ours ÷ httpx",
                "ours CPU µs",
                "official CPU µs",
                "httpx CPU µs",
            ],
            rows,
        ),
        "",
        "How each official SDK was pointed at the loopback server: Huawei "
        "`MetaStudioClient.new_builder().with_endpoints(['http://127.0.0.1:…'])`; Alibaba "
        "`Config(endpoint='127.0.0.1:…', protocol='http')`; Tencent MPS "
        "`HttpProfile(protocol='http', endpoint='127.0.0.1:…', keepAlive=True)` (its default "
        "opens a connection per call; keep-alive is its best case); COS "
        "`CosConfig(IP='127.0.0.1', Port=…, Scheme='http')` with `ci_create_media_jobs` / "
        "`ci_get_media_jobs` (the SDK has no TTS-specific call; it returns dicts, untyped).",
        "",
        "### Async (the official SDKs are measured sync only)",
        "",
        *_table(
            [
                "vendor: call",
                "ours async calls/s",
                "httpx.AsyncClient calls/s",
                "ours ÷ httpx",
                "ours CPU µs",
                "httpx CPU µs",
            ],
            async_rows,
        ),
        "",
        *(
            [
                "httpcore "
                + clients["httpcore"]
                + " imports `sniffio` on every lock it sets up (several per request) and "
                "sniffio is not installed here (anyio 4 dropped it), so every async request "
                "pays a few failed imports, each a search of `sys.path`: this costs "
                "httpx.AsyncClient and the generated AsyncClient alike.",
                "",
            ]
            if clients.get("httpcore") and not clients.get("sniffio")
            else []
        ),
        "![calls/s per vendor](clients.png)",
        "",
    ]
    if per_call.get("failures"):
        lines += [
            "Failed: "
            + "; ".join(f"{k}: {v}" for k, v in per_call["failures"].items()),
            "",
        ]
    imports = clients["imports"]
    size_rows = []
    for api, label in VENDORS.items():
        size = clients["sizes"][api]
        size_rows.append(
            [
                label,
                f"{imports[f'{api} ours']['ms']:.0f} ms",
                f"{imports[f'{api} official']['ms']:.0f} ms",
                _mb(size["ours"]),
                _mb(size["official"]),
                _mb(size["official_with_deps"]),
            ]
        )
    lines += [
        "### Import time and installed size",
        "",
        *_table(
            [
                "vendor",
                f"import `{'`/`'.join(PACKAGES.values())}`"[:0] + "import ours",
                "import official",
                "ours installed",
                "official SDK installed",
                "official SDK + its dependencies",
            ],
            size_rows,
        ),
        "",
        f'Import: whole `python -S -c "import …"` processes, median of '
        f"{clients['import_runs']}, each with exactly the distributions it needs on its "
        "path (links to this virtualenv's, as a fresh virtualenv would hold them: here httpx "
        "would also import its optional CLI, rich and click, which the peers bring); an empty "
        f"`python -S -c pass` takes {imports['python -S -c pass']['ms']:.0f} ms. The official "
        "SDK's line imports what the call above needs. Sizes: the files pip installed, byte "
        "code included; ours without httpx and pydantic (and pydantic-xml), the official "
        "SDK's dependencies without httpx and pydantic.",
        "",
        "Where the generated packages' import time goes (`-X importtime`, self time by "
        "top-level module, ms):",
        "",
    ]
    for api, groups in imports["importtime"].items():
        parts = ", ".join(
            f"{name} {ms:.0f}" for name, ms in groups.items() if name != "(all)"
        )
        lines.append(f"- {VENDORS[api]}: {groups['(all)']:.0f} ms in all; {parts}")
    lines.append("")
    return lines


def _share_rows(seconds: dict[str, float], total: float) -> list[list[str]]:
    """Rows of at least 1% of the total; the rest in one row."""
    big = {name: value for name, value in seconds.items() if value >= total / 100}
    rest = [value for name, value in seconds.items() if name not in big]
    if rest:
        big[f"{len(rest)} others, under 1% each"] = sum(rest)
    return [
        [name, f"{value:.2f}", f"{value / total:.0%}"] for name, value in big.items()
    ]


def profile_lines(
    profiles: dict[str, Any], clients: dict[str, Any] | None
) -> list[str]:
    gen = profiles["generation"]
    sampled = gen["sampled"]
    cprofile = gen["cprofile"]
    lines = [
        "## Where the time goes",
        "",
        "Two profilers: a sampling one on the CPU clock (`tests/bench/sampler.py`: its "
        "shares follow CPU time) and cProfile (which charges every Python call, so it "
        "inflates pure-Python code such as jinja2 and httpx against code in C or Rust such "
        "as pydantic-core; its top functions are in `data/profiles.txt`). A library's time "
        "is what our own code's calls into it took, everything below included.",
        "",
        f"### Generation of {gen['operations']} operations, one process "
        f"({gen['wall_unprofiled']:.1f} s wall under the sampler, "
        f"{sampled['cpu']:.1f} s CPU sampled; {cprofile['total']:.1f} s under cProfile)",
        "",
        *_table(
            ["step (sampled)", "CPU seconds", "share"],
            _share_rows(sampled["steps"], sampled["cpu"]),
        ),
        "",
        *_table(
            ["library our code called (sampled)", "CPU seconds", "share"],
            _share_rows(sampled["libraries"], sampled["cpu"]),
        ),
        "",
        *_table(
            ["step (cProfile, inclusive)", "seconds", "share"],
            _share_rows(cprofile["steps"], cprofile["total"]),
        ),
        "",
        "### A generated client's call (sampled CPU, µs per call)",
        "",
    ]
    calls = profiles["calls"]
    sampled = {api: found["libraries_us_per_call"] for api, found in calls.items()}
    names: list[str] = []
    for api, found in sampled.items():
        for name, value in found.items():
            if value >= calls[api]["cpu_us_per_call"] / 50 and name not in names:
                names.append(name)
    rows = []
    for name in names:
        row = [name]
        for api in VENDORS:
            value = sampled[api].get(name)
            row.append("\u2013" if value is None else f"{value:.0f}")
        rows.append(row)
    rest = ["the rest (under 2% each)"]
    for api in VENDORS:
        shown = sum(sampled[api].get(name, 0.0) for name in names)
        rest.append(f"{calls[api]['cpu_us_per_call'] - shown:.0f}")
    rows.append(rest)
    rows.append(
        ["**ours: all, sampled**"]
        + [f"**{calls[api]['cpu_us_per_call']:.0f}**" for api in VENDORS]
    )
    if all("httpx" in calls[api] for api in VENDORS):
        rows.append(
            ["bare httpx, sampled the same way: all (of which in httpx)"]
            + [
                f"{calls[api]['httpx']['cpu_us_per_call']:.0f} "
                f"({calls[api]['httpx']['libraries_us_per_call'].get('httpx', 0.0):.0f})"
                for api in VENDORS
            ]
        )
        rows.append(
            ["**ours beyond bare httpx, sampled**"]
            + [
                f"**{calls[api]['cpu_us_per_call'] - calls[api]['httpx']['cpu_us_per_call']:.0f}**"
                for api in VENDORS
            ]
        )
    if clients:
        for variant, label in (("ours", "ours"), ("httpx", "bare httpx")):
            rows.append(
                [f"{label}, measured in the per-call runs (mean of the two calls)"]
                + [
                    f"{(clients['per_call'][api][variant]['submit']['cpu_us'] + clients['per_call'][api][variant]['query']['cpu_us']) / 2:.0f}"
                    for api in VENDORS
                ]
            )
    lines += [
        *_table(["", *VENDORS.values()], rows),
        "",
        f"Submit and query alternating, {calls[next(iter(VENDORS))]['calls']:,} calls "
        "per vendor, in CPU µs per call, for the generated client and then for bare httpx "
        "sending its bytes, each in a process of its own (the kernel delivers a sample "
        "about every 4 ms of CPU). `ours: …` is time in that module's own lines; httpx "
        "includes the sockets it drives; pydantic includes pydantic-core and, for XML, "
        "pydantic-xml. The sampled runs and the per-call runs are separate "
        "processes on a shared machine: compare within a column.",
        "",
    ]
    return lines


def plots(generation: dict[str, Any] | None, clients: dict[str, Any] | None) -> bool:
    """Draw the two plots; False (the files left as they are) without matplotlib, which
    the `bench` extra installs: the tables are rewritten all the same."""
    try:
        matplotlib: Any = importlib.import_module("matplotlib")
    except ImportError:
        return False
    matplotlib.use("Agg")
    plt: Any = importlib.import_module("matplotlib.pyplot")
    if generation:
        scaling = generation["scaling"]
        sizes, tools = _sizes_and_ratios(scaling)
        figure, axes = plt.subplots(figsize=(7, 4.5), dpi=120)
        for tool in tools:
            xs = [s for s in sizes if scaling[str(s)][tool]["ok"]]
            ys = [scaling[str(s)][tool]["wall"] for s in xs]
            (line,) = axes.plot(xs, ys, marker="o", label=tool)
            capped = [s for s in sizes if not scaling[str(s)][tool]["ok"]]
            for size in capped:
                cap = scaling[str(size)][tool]["cap"] or 0
                axes.plot(
                    [size], [cap], marker="^", color=line.get_color(), markersize=10
                )
                axes.annotate(
                    f"> {cap:.0f} s (stopped)",
                    (size, cap),
                    textcoords="offset points",
                    xytext=(-90, 6),
                    color=line.get_color(),
                )
        first = scaling[str(sizes[0])][OURS]
        if first["ok"]:
            axes.plot(
                sizes,
                [first["wall"] * size / sizes[0] for size in sizes],
                linestyle=":",
                color="grey",
                label="linear from tts-sdkgen's first point",
            )
        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.set_xlabel("operations in the spec")
        axes.set_ylabel("wall time, whole process (s)")
        axes.set_title("Generation time vs spec size (median; log\u2013log)")
        axes.grid(True, which="both", alpha=0.3)
        axes.legend()
        figure.tight_layout()
        figure.savefig(DOCS / "generation.png")
        plt.close(figure)
    if clients:
        per_call = clients["per_call"]
        figure, panels = plt.subplots(1, 2, figsize=(10, 4.5), dpi=120, sharey=True)
        variants = (
            ("ours", "generated (ours)"),
            ("official", "official SDK"),
            ("httpx", "bare httpx"),
        )
        width = 0.26
        for panel, call in zip(panels, ("submit", "query"), strict=True):
            for offset, (variant, label) in enumerate(variants):
                bar_xs = [i + (offset - 1) * width for i in range(len(VENDORS))]
                ys = [per_call[api][variant][call]["calls_per_s"] for api in VENDORS]
                bars = panel.bar(bar_xs, ys, width, label=label)
                panel.bar_label(bars, fmt="%.0f", fontsize=7)
            panel.set_xticks(range(len(VENDORS)))
            panel.set_xticklabels(
                [label.replace(" (XML)", "\n(XML)") for label in VENDORS.values()],
                fontsize=8,
            )
            panel.set_title(f"{call} (sync, one at a time)")
            panel.grid(True, axis="y", alpha=0.3)
        panels[0].set_ylabel("calls/s (median)")
        panels[0].legend(fontsize=8)
        figure.suptitle("Calls/s against a loopback server")
        figure.tight_layout()
        figure.savefig(DOCS / "clients.png")
        plt.close(figure)
    return True


README = DOCS.parent.parent / "README.md"
START, END = "<!-- bench: start -->", "<!-- bench: end -->"


def _stamp(machine: dict[str, Any]) -> str:
    return (
        f"{machine['date']}, commit `{machine['commit']}`, 1-minute load "
        f"{machine['load_start']:.1f} at the start, {machine.get('load_end', math.nan):.1f}"
        " at the end"
    )


def issue27_targets(
    download: dict[str, Any] | None, corpus: dict[str, Any] | None
) -> list[list[str]]:
    """Issue 27's two performance targets, each measured in its own run (its own date
    and load, said in the row)."""
    from tests.bench import corpus_time
    from tests.bench import download as downloads

    rows: list[list[str]] = []
    if download:
        found = downloads.ratios(download)
        worst = max(found.values())
        rows.append(
            [
                f"{download['megabytes']} MB audio download: CPU ≤ httpx's iter_bytes "
                "+ 10 %",
                f"ours ÷ httpx: streamed {_x(found['iter_bytes'])}, to a file "
                f"{_x(found['write_to'])} (median of {download['runs']}; "
                f"{_stamp(download['machine'])})",
                _yes(worst <= downloads.TARGET),
            ]
        )
    if corpus:
        found = corpus_time.ratios(corpus)
        before = corpus["tools"][corpus_time._before(corpus["base"])]
        now = corpus["tools"][corpus_time.NOW]
        rows.append(
            [
                "the corpus generates within 10 % of the time before issue 27",
                f"now ÷ `{corpus['base']}`: wall {_x(found['wall'])} "
                f"({_s(now['wall'])} vs {_s(before['wall'])}), CPU {_x(found['cpu'])}; "
                f"{now['generated']} operations generated vs {before['generated']} "
                f"(median of {corpus['runs']}; {_stamp(corpus['machine'])})",
                _yes(max(found.values()) <= corpus_time.TARGET),
            ]
        )
    return rows


def issue27_lines(
    download: dict[str, Any] | None, corpus: dict[str, Any] | None
) -> list[str]:
    lines: list[str] = []
    if download:
        lines += [
            "## Audio download CPU (issue 27)",
            "",
            f"{download['megabytes']} MB of `audio/mpeg`, chunked, from a loopback server "
            "in a process of its own, a connection per download; this process's CPU "
            "(`time.process_time`) and wall "
            f"time, median of {download['runs']} runs per way, interleaved "
            f"({_stamp(download['machine'])}). `python -m tests.bench.download`.",
            "",
            *_table(
                ["way", "CPU", "wall", "chunks read"],
                [
                    [
                        name,
                        f"{found['cpu'] * 1000:.0f} ms",
                        f"{found['wall'] * 1000:.0f} ms",
                        f"{found['chunks']:.0f}" if "chunks" in found else "\u2013",
                    ]
                    for name, found in download["ways"].items()
                ],
            ),
            "",
            "Both streamed ways run httpx's own `iter_bytes` underneath (ours adds one "
            "generator around it and no work per chunk: under cProfile the two make the "
            "same calls per chunk); what differs is the call itself, its arguments "
            "checked and its request built. A run is short (tens of ms), so one run is "
            "noisy on a loaded machine, where a reader that waits gets smaller reads: "
            "hence many runs, interleaved, and the chunk count beside.",
            "",
        ]
    if corpus:
        lines += [
            "## Corpus generation, now and before issue 27",
            "",
            "The nine documents of tests/corpus/ in one `generate --force` process, "
            f"median of {corpus['runs']}, alternating with the generator at "
            f"`{corpus['base']}` ({_stamp(corpus['machine'])}). CPU includes the "
            "worker processes and ruff. `python -m tests.bench.corpus_time`; a row "
            "`at <commit>` is another commit's generator timed beside (`--also`). On two "
            "cores the wall time also depends on how the documents share the two "
            "workers.",
            "",
            *_table(
                ["generator", "wall", "CPU", "operations generated", "skipped"],
                [
                    [
                        name,
                        _s(found["wall"]),
                        _s(found["cpu"]),
                        str(found["generated"]),
                        str(found["skipped"]),
                    ]
                    for name, found in corpus["tools"].items()
                ],
            ),
            "",
        ]
    return lines


def readme(lines: list[str]) -> None:
    """The README's copy of the latest targets table, between its two markers."""
    text = README.read_text("utf-8")
    head, start, rest = text.partition(START)
    _, end, tail = rest.partition(END)
    if not start or not end:
        raise SystemExit(f"{README}: the markers {START} and {END} are missing")
    README.write_text(
        head + start + "\n" + "\n".join(lines) + "\n" + end + tail, "utf-8"
    )


def main() -> None:
    machine = load("machine")
    generation = load("generation")
    clients = load("clients")
    profiles = load("profiles")
    download = load("download")
    corpus = load("corpus_time")
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`tests/bench/`); the measurements are in `data/`.",
        "",
    ]
    if machine:
        lines += [*machine_lines(machine), ""]
    lines += ["## Targets (issue 19)", ""]
    lines += _table(["target", "measured", ""], targets(generation, clients)) + [""]
    later = issue27_targets(download, corpus)
    if later:
        lines += ["## Targets (issue 27)", ""]
        lines += _table(["target", "measured", ""], later) + [""]
    if generation:
        lines += generation_lines(generation)
    if clients:
        lines += clients_lines(clients)
    if profiles:
        lines += profile_lines(profiles, clients)
    lines += issue27_lines(download, corpus)
    (DOCS / "results.md").write_text("\n".join(lines), "utf-8")
    drawn = plots(generation, clients)
    summary = [*machine_lines(machine), ""] if machine else []
    summary += _table(["target", "measured", ""], targets(generation, clients))
    if later:
        summary += ["", "Issue 27's targets, each measured in a run of its own:", ""]
        summary += _table(["target", "measured", ""], later)
    readme(summary)
    say(
        f"  wrote {DOCS / 'results.md'}"
        + (
            ", generation.png, clients.png"
            if drawn
            else " (no matplotlib: the plots are left as they were)"
        )
    )


if __name__ == "__main__":
    main()
