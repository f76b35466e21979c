"""Run the reliability suite and write its table of faults and results into docs/reliability.md.

Usage: python tools/reliability_report.py [--full] [--doc docs/reliability.md]

Each test names the fault it tries in the first line of its docstring:
    fault: <what was done to Threadbook>; result: recovered|reported|refused
A test may instead (or also) call `record_property("fault", ...)`, `record_property("result", ...)` and
`record_property("tries", N)` (for a test that repeats its fault, like a kill loop); those win over the docstring.
Pass/fail comes from pytest's JUnit XML; docstrings are read from the test files with `ast` (nothing is imported).
"""

from __future__ import annotations

import argparse
import ast
import html
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITE = "tests/reliability"
START, END = "<!-- table:start -->", "<!-- table:end -->"
_CONVENTION = re.compile(r"fault:\s*(?P<fault>.+?)\s*;\s*result:\s*(?P<result>[\w /|-]+?)\s*$", re.IGNORECASE)


@dataclass
class Case:
    file: str
    name: str  # the test function, without its parameters
    outcome: str  # "passed" | "failed" | "xfailed" | "skipped"
    fault: str
    result: str
    tries: int
    named: bool  # the test states its fault (docstring or property); unnamed ones appear only when failing


def run_suite(junit: Path, *, full: bool) -> int:
    """pytest over the suite (fast set, or everything with --full); returns pytest's exit code."""
    command = [sys.executable, "-m", "pytest", SUITE, "-q", "-p", "no:cacheprovider", f"--junitxml={junit}"]
    command += ["-o", "junit_family=xunit1"]  # xunit2 has no per-test properties: record_property would warn (error)
    if not full:
        command += ["-m", "not slow"]
    return subprocess.run(command, cwd=ROOT, check=False).returncode


def read_cases(junit: Path) -> list[Case]:
    """One Case per test case in the JUnit XML, with its fault and result from properties or docstring."""
    docstrings: dict[str, dict[str, str]] = {}
    cases = []
    for element in ET.parse(junit).getroot().iter("testcase"):
        classname, name = element.get("classname", ""), element.get("name", "")
        file = _test_file(classname)
        function = name.split("[", 1)[0]
        if file not in docstrings:
            docstrings[file] = _docstrings(ROOT / file) if (ROOT / file).is_file() else {}
        properties = {p.get("name", ""): p.get("value", "") for p in element.iter("property")}
        fault, result = _parse(docstrings[file].get(function, ""))
        fault = properties.get("fault", fault)
        named = bool(fault)
        fault = fault or function.removeprefix("test_").replace("_", " ")
        result = properties.get("result", result) or "?"
        tries = int(properties["tries"]) if properties.get("tries", "").isdigit() else 1
        cases.append(Case(file, function, _outcome(element), fault, result, tries, named))
    return cases


def _test_file(classname: str) -> str:
    """`tests.reliability.test_x` or `tests.reliability.test_x.TestClass` -> `tests/reliability/test_x.py`."""
    parts = classname.split(".")
    for end in range(len(parts), 0, -1):
        candidate = "/".join(parts[:end]) + ".py"
        if (ROOT / candidate).is_file():
            return candidate
    return "/".join(parts) + ".py"


def _docstrings(path: Path) -> dict[str, str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test"):
            found[node.name] = ast.get_docstring(node) or ""
    return found


def _parse(docstring: str) -> tuple[str, str]:
    first = docstring.strip().splitlines()[0] if docstring.strip() else ""
    match = _CONVENTION.search(first)
    if not match:
        return "", ""
    return match["fault"], match["result"].strip().lower()


def _outcome(element: ET.Element) -> str:
    if element.find("failure") is not None or element.find("error") is not None:
        return "failed"
    skipped = element.find("skipped")
    if skipped is not None:
        return "xfailed" if skipped.get("type") == "pytest.xfail" else "skipped"
    return "passed"


def table(cases: list[Case]) -> str:
    """The Markdown table: one row per fault (parametrized cases add up), in suite order."""
    rows: dict[tuple[str, str], list[Case]] = {}
    for case in cases:
        if not case.named and case.outcome != "failed":
            continue  # a helper's own test, not a fault
        rows.setdefault((case.fault, case.result), []).append(case)
    lines = ["| fault | tried | result | passed | test |", "|---|---:|---|---|---|"]
    for (fault, result), group in rows.items():
        tries = sum(c.tries for c in group)
        counts = {o: sum(1 for c in group if c.outcome == o) for o in ("passed", "failed", "xfailed", "skipped")}
        if counts["failed"]:
            passed = f"**NO** ({counts['failed']} of {len(group)} failed)"
        elif counts["xfailed"]:
            passed = "no: known gap (xfail)"
        elif counts["skipped"] == len(group):
            passed = "skipped"
        else:
            passed = "yes"
        tests = ", ".join(sorted({f"`{Path(c.file).stem}::{c.name}`" for c in group}))
        lines.append(f"| {_cell(fault)} | {tries} | {_cell(result)} | {passed} | {tests} |")
    return "\n".join(lines)


def _cell(text: str) -> str:
    """Table-safe and inert: fault names quote hostile markup (`<script>`), which must show, not render."""
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def write_doc(doc: Path, body: str, *, full: bool, exit_code: int) -> None:
    """Replace what lies between the table markers in `doc` (the markers must be there)."""
    text = doc.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{doc} has no {START} ... {END} markers to write the table between.")
    run = "full run (`--full`: slow tests included)" if full else "fast run (CI: `-m 'not slow'`)"
    verdict = "all passed" if exit_code == 0 else f"pytest exit code {exit_code}: see the rows marked NO"
    section = f"{START}\n_Generated by `python tools/reliability_report.py` from a {run}; {verdict}._\n\n{body}\n{END}"
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1]
    doc.write_text(head + section + tail, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="include the slow tests (the long kill loop)")
    parser.add_argument("--doc", type=Path, default=ROOT / "docs" / "reliability.md")
    parser.add_argument("--junit", type=Path, help="read this JUnit XML instead of running pytest")
    args = parser.parse_args(argv)
    if args.junit:
        junit, code = args.junit, 0
    else:
        junit = Path(tempfile.mkdtemp(prefix="threadbook-reliability-")) / "junit.xml"
        code = run_suite(junit, full=args.full)
        if not junit.is_file():
            print("pytest wrote no JUnit XML; nothing to report.", file=sys.stderr)
            return code or 1
    cases = read_cases(junit)
    write_doc(args.doc, table(cases), full=args.full, exit_code=code)
    failed = sum(1 for c in cases if c.outcome == "failed")
    print(f"{len(cases)} cases, {failed} failed; table written to {args.doc}")
    return code


if __name__ == "__main__":
    sys.exit(main())
