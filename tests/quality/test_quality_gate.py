"""The quality gate: extraction over the fixture corpus must not fall below the floors pinned in the baseline.

Raise the floors after an improvement with `python tools/quality_report.py --write-baseline` (docs/quality-gate.md).
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from quality_metrics import (
    BASELINE,
    Case,
    aggregate,
    baseline_from,
    html_path,
    load_baseline,
    load_corpus,
    markdown_text,
    regressions,
    score_case,
    score_corpus,
    token_f1,
)

REQUIRED = ("url", "platform", "title", "author", "published_at", "comment_count", "comments")


def test_every_pinned_page_still_scores_at_or_above_its_floor() -> None:
    baseline = load_baseline()
    pinned = set(baseline["pages"])
    results = score_corpus(case for case in load_corpus() if case.key in pinned)
    lines = regressions(baseline_from(results), baseline)
    assert not lines, "Extraction quality fell below the pinned floor:\n" + "\n".join(lines)


def test_the_baseline_pins_a_real_corpus() -> None:
    baseline = load_baseline()
    assert len(baseline["pages"]) >= 60
    assert len(baseline["platforms"]) >= 4
    assert set(baseline["overall"]) >= {"title", "author", "date", "body", "comment_count", "comment_author_recall"}


@pytest.mark.parametrize("case", load_corpus(), ids=lambda case: case.key)
def test_expected_files_are_complete(case: Case) -> None:
    missing = [key for key in REQUIRED if key not in case.expected]
    assert not missing, f"{case.path.name} lacks {missing}"
    assert html_path(case).is_file(), html_path(case)
    for page in case.expected.get("more_pages", []):
        assert (case.path.parent / page["html"]).is_file(), page
    if case.expected.get("comments_in_html", True):
        assert case.expected["comment_count"] in (None, len(case.expected["comments"]))
    ids = [c["id"] for c in case.expected["comments"] if c.get("id") is not None]
    assert len(ids) == len(set(ids))


def test_a_wrong_expectation_is_measured_as_wrong() -> None:
    case = next(c for c in load_corpus() if c.platform == "sample_wordpress" and c.expected["comments"])
    good = score_case(case).tally
    wrong = copy.deepcopy(case.expected)
    wrong["title"] += " (not this)"
    wrong["comments"][0]["author"] = "Somebody Else"
    wrong["comments"][0]["parent"] = "no-such-parent"
    bad = score_case(Case(case.key, case.platform, case.path, wrong)).tally
    assert bad.rates()["title"] == 0.0 < good.rates()["title"] == 1.0
    assert bad.rates()["comment_author_recall"] < good.rates()["comment_author_recall"]
    assert bad.rates()["comment_parent"] < good.rates()["comment_parent"]


def test_regressions_name_the_metric_and_a_lost_page() -> None:
    baseline = {"pages": ["a/x", "b/y"], "overall": {"title": 0.9}, "platforms": {"a": {"body": 0.8}}}
    current = {"pages": ["a/x"], "overall": {"title": 0.85}, "platforms": {"a": {"body": 0.8}}}
    assert regressions(current, baseline) == [
        "page b/y is pinned but gone from the corpus",
        "overall: title 0.8500 < floor 0.9000",
    ]


def test_token_f1_and_markdown_text() -> None:
    assert token_f1("the cat sat", "the cat sat") == 1.0
    assert token_f1("", "") == 1.0 and token_f1("a", "") == 0.0
    assert token_f1("the cat", "the cat sat down") == pytest.approx(2 * 1.0 * 0.5 / 1.5)
    assert token_f1("活版印刷", "活版") == pytest.approx(2 * 0.5 * 1.0 / 1.5)
    assert markdown_text("Sorted by **sowing month**, see [the list](http://x/) and ![alt](http://y.png)") == (
        "Sorted by sowing month, see the list and alt"
    )


def test_aggregate_pools_comments_and_groups_platforms() -> None:
    results = score_corpus(load_corpus()[:3])
    overall, per_platform = aggregate(results)
    assert overall.pages == 3 == sum(t.pages for t in per_platform.values())
    assert BASELINE.parent == Path(results[0].case.path).parents[1]
