"""A bad spec stops `python -m generator generate` with exit 2 and one line naming the place.

Each case starts from the real Huawei spec text and breaks one thing.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HUAWEI_SPEC = REPO / "specs" / "huawei-metastudio" / "openapi.yaml"
CREATE = "/paths/~1v1~1{project_id}~1ttsc~1async-jobs/post"


@dataclass(frozen=True)
class Breakage:
    name: str
    old: str
    new: str
    # Every one of these must appear in the error line, after the file name.
    expected: tuple[str, ...]
    # When set, the whole error line after the file name.
    exact: str = ""


CASES = [
    Breakage(
        "yaml-unclosed-bracket",
        "enum: [cn-north-4, cn-east-3, ap-southeast-3]\n",
        "enum: [cn-north-4, cn-east-3, ap-southeast-3\n",
        ("YAML syntax error",),
    ),
    Breakage(
        "response-without-description",
        "        '200':\n          description: Succeeded.\n",
        "        '200':\n",
        (f"{CREATE}/responses/200: ", "'description' is a required property"),
    ),
    Breakage(
        "schema-type-objekt",
        "    TtsCallBackConfig:\n      type: object\n",
        "    TtsCallBackConfig:\n      type: objekt\n",
        ("/components/schemas/TtsCallBackConfig/type: ", "'objekt'"),
    ),
    Breakage(
        "dangling-ref",
        "$ref: '#/components/schemas/CreateAsyncTtsJobResponse'",
        "$ref: '#/components/schemas/Nope'",
        (
            f"{CREATE}/responses/200/content/application~1json/schema/$ref: ",
            "dangling reference",
            "'#/components/schemas/Nope'",
        ),
    ),
    Breakage(
        "job-names-a-missing-operation",
        "  submit: CreateAsyncTtsJob\n",
        "  submit: CreateTtsJob\n",
        ("/x-sdkgen-job/submit: ", "'CreateTtsJob'"),
    ),
    Breakage(
        "unknown-signer",
        "x-sdkgen-signer: sdk-hmac-sha256\n",
        "x-sdkgen-signer: sdk-hmac-md5\n",
        (
            "/components/securitySchemes/akSk/x-sdkgen-signer: ",
            "'sdk-hmac-md5'",
            "sdk-hmac-sha256",  # the known signers are listed
        ),
    ),
    Breakage(
        "version-not-pep-440",
        "  version: 1.0.0\n",
        "  version: v1-beta\n",
        ("/info/version: ", "'v1-beta'"),
        exact="/info/version: 'v1-beta' is not a package version (PEP 440, like 1.2.0); "
        "set info.x-sdkgen-package-version",
    ),
    Breakage(
        "package-version-not-pep-440",
        "  x-sdkgen-distribution: tts-huawei-metastudio\n",
        "  x-sdkgen-distribution: tts-huawei-metastudio\n"
        "  x-sdkgen-package-version: 2024-05-01\n",
        ("/info/x-sdkgen-package-version: ", "'2024-05-01'"),
    ),
    Breakage(
        # API keys in a query or a cookie are sent (test_auth_schemes.py); a scheme the
        # runtime cannot send drops the alternatives naming it: a warning, here an error.
        "http-digest",
        "      type: apiKey\n      in: header\n      name: X-Auth-Token\n",
        "      type: http\n      scheme: digest\n",
        ("/security/1/token: ", "cannot be sent", "'digest'"),
        exact="/security/1/token: security scheme 'token' cannot be sent by a "
        "generated client ('http', 'digest'): this alternative is dropped",
    ),
    Breakage(
        # A signer sends what it signs in headers too.
        "signed-api-key-in-query",
        "      in: header\n      name: Authorization\n      description: |-\n"
        "        AK/SK signing",
        "      in: query\n      name: Authorization\n      description: |-\n"
        "        AK/SK signing",
        ("/components/securitySchemes/akSk/in: ", "headers only", "in: query"),
    ),
]


@dataclass(frozen=True)
class Outcome:
    spec: Path
    out: Path
    returncode: int
    stdout: str
    stderr: str


def run_generator(case: Breakage, tmp_path: Path) -> Outcome:
    text = HUAWEI_SPEC.read_text(encoding="utf-8")
    assert text.count(case.old) == 1, (
        f"the Huawei spec changed: {case.old!r} is not there once"
    )
    specs, out = tmp_path / "specs", tmp_path / "out"
    spec = specs / case.name / "openapi.yaml"
    spec.parent.mkdir(parents=True)
    spec.write_text(text.replace(case.old, case.new), encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "generate",
            "--specs",
            str(specs),
            "--out",
            str(out),
            # This repository's own specs are held to it (`make test`): a warning is an
            # error too.
            "--strict",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return Outcome(spec, out, done.returncode, done.stdout, done.stderr)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_spec_is_one_error_line_and_writes_nothing(
    case: Breakage, tmp_path: Path
) -> None:
    outcome = run_generator(case, tmp_path)
    assert outcome.returncode == 2, outcome.stderr
    assert "Traceback" not in outcome.stderr
    lines = outcome.stderr.splitlines()
    assert len(lines) == 1, outcome.stderr
    (line,) = lines
    assert line.startswith("error: ")
    file, _, rest = line.removeprefix("error: ").partition(": ")
    for expected in case.expected:
        assert expected in rest, line
    if case.exact:
        assert rest == case.exact, line
    assert not outcome.out.exists() or list(outcome.out.iterdir()) == []
    # `error: FILE: WHERE: WHAT`: FILE, taken from the working directory, is the spec read.
    assert (REPO / file).resolve() == outcome.spec.resolve(), (
        f"{file!r} is not {outcome.spec}"
    )


def test_yaml_error_names_line_and_column(tmp_path: Path) -> None:
    (case,) = [c for c in CASES if c.name == "yaml-unclosed-bracket"]
    outcome = run_generator(case, tmp_path)
    lines = HUAWEI_SPEC.read_text(encoding="utf-8").splitlines()
    broken_line = next(n for n, text in enumerate(lines, 1) if case.old.strip() in text)
    (line,) = outcome.stderr.splitlines()
    match = re.search(r": line (\d+), column (\d+): YAML syntax error: ", line)
    assert match is not None, line
    number, column = match.groups()
    # PyYAML notices the unclosed bracket where the next token cannot continue the list.
    assert int(number) in (broken_line, broken_line + 1), line
    assert int(column) >= 1
