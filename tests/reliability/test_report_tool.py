"""tools/reliability_report.py: JUnit XML and docstrings in, the Markdown table between the markers out."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import reliability_report  # noqa: E402

JUNIT = """<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">
<testcase classname="tests.reliability.test_server_faults" name="test_retry_after_is_obeyed_then_recovered[429]"/>
<testcase classname="tests.reliability.test_server_faults" name="test_retry_after_is_obeyed_then_recovered[503]">
  <failure message="boom"/></testcase>
<testcase classname="tests.reliability.test_hostile_content"
  name="test_file_names_from_titles_avoid_windows_reserved_names"><skipped type="pytest.xfail" message="x"/></testcase>
<testcase classname="tests.reliability.test_crash_kill" name="test_kill_loop">
  <properties><property name="fault" value="SIGKILL during archive"/><property name="result" value="recovered"/>
  <property name="tries" value="25"/></properties></testcase>
<testcase classname="tests.reliability.test_report_tool" name="test_helper"/>
</testsuite></testsuites>"""


def test_table_rows_come_from_docstrings_properties_and_outcomes(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    junit.write_text(JUNIT, encoding="utf-8")
    rows = reliability_report.table(reliability_report.read_cases(junit)).splitlines()
    retry = next(r for r in rows if "429 / 503 with Retry-After" in r)
    assert "| 2 | recovered | **NO** (1 of 2 failed) |" in retry
    assert any("Windows reserved" in r and "known gap" in r for r in rows)
    assert any(r.startswith("| SIGKILL during archive | 25 | recovered | yes |") for r in rows)
    assert not any("helper" in r for r in rows)
    assert reliability_report._cell("<script> | x") == "&lt;script&gt; \\| x"


def test_table_is_written_between_the_markers_only(tmp_path: Path) -> None:
    doc = tmp_path / "reliability.md"
    doc.write_text("intro\n<!-- table:start -->\nold\n<!-- table:end -->\noutro\n", encoding="utf-8")
    reliability_report.write_doc(doc, "| new |", full=False, exit_code=0)
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("intro\n<!-- table:start -->") and text.endswith("<!-- table:end -->\noutro\n")
    assert "| new |" in text and "old" not in text
    doc.write_text("no markers", encoding="utf-8")
    with pytest.raises(SystemExit):
        reliability_report.write_doc(doc, "| new |", full=False, exit_code=0)
