"""The command line and comment systems (issue 9): --render and the keys reach the crawl (and nowhere else), `show`
says where a thread came from or what is missing, `list --missing-comments` finds the posts that lack theirs."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from desktop import tasks
from desktop.cli import cli
from desktop.cli_comment_systems import DISQUS_KEY_ENV, GITHUB_TOKEN_ENV
from ingest.comment_systems import ThreadOptions
from storage.archive import open_archive
from storage.records import Blog, Comment, CommentSystem, CrawlReport, Post

DISQUS_KEY = "dq-public-key-0123456789"
GITHUB_TOKEN = "ghp_fake0123456789abcdefghij"
NOTE = "This post uses Disqus; 143 comments not captured: add a Disqus API key in Settings or import the Disqus export."
DETECTED = datetime(2025, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture
def captured_settings(monkeypatch: pytest.MonkeyPatch) -> list[tasks.ArchiveSettings]:
    """Replace the capture jobs: record the settings the CLI built, fetch nothing."""
    seen: list[tasks.ArchiveSettings] = []

    def fake_archive_blog(url: str, *, settings: tasks.ArchiveSettings, **_: Any) -> CrawlReport:
        seen.append(settings)
        return CrawlReport(blog_url=url)

    def fake_update_blogs(*, settings: tasks.ArchiveSettings, **_: Any) -> list[CrawlReport]:
        seen.append(settings)
        return [CrawlReport(blog_url="https://quiet.example/")]

    monkeypatch.setattr(tasks, "archive_blog", fake_archive_blog)
    monkeypatch.setattr(tasks, "update_blogs", fake_update_blogs)
    monkeypatch.delenv(DISQUS_KEY_ENV, raising=False)
    monkeypatch.delenv(GITHUB_TOKEN_ENV, raising=False)
    return seen


def test_archive_flags_reach_the_settings_and_are_never_printed(
    tmp_path: Path, captured_settings: list[tasks.ArchiveSettings]
) -> None:
    db = str(tmp_path / "a.sqlite")
    args = ["archive", "https://quiet.example/", "--db", db, "--render", "--disqus-key", DISQUS_KEY]
    result = CliRunner().invoke(cli, [*args, "--github-token", GITHUB_TOKEN])
    assert result.exit_code == 0, result.output
    [settings] = captured_settings
    assert (settings.render, settings.disqus_api_key, settings.github_token) == (True, DISQUS_KEY, GITHUB_TOKEN)
    assert DISQUS_KEY not in result.output and GITHUB_TOKEN not in result.output
    assert DISQUS_KEY not in repr(settings) and GITHUB_TOKEN not in repr(settings)


def test_keys_come_from_the_environment_and_render_is_off_by_default(
    tmp_path: Path, captured_settings: list[tasks.ArchiveSettings]
) -> None:
    env = {DISQUS_KEY_ENV: DISQUS_KEY, GITHUB_TOKEN_ENV: GITHUB_TOKEN}
    result = CliRunner().invoke(cli, ["update", "--all", "--db", str(tmp_path / "a.sqlite")], env=env)
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["archive", "https://quiet.example/", "--db", str(tmp_path / "a.sqlite")])
    assert result.exit_code == 0, result.output
    from_env, plain = captured_settings
    assert (from_env.render, from_env.disqus_api_key, from_env.github_token) == (False, DISQUS_KEY, GITHUB_TOKEN)
    assert (plain.render, plain.disqus_api_key, plain.github_token) == (False, None, None)


def test_help_names_the_switches_and_their_environment_variables() -> None:
    for command in (["archive"], ["update"], ["series", "capture"]):
        text = " ".join(CliRunner().invoke(cli, [*command, "--help"]).output.split())
        for name in ("--render", "--disqus-key", "--github-token", DISQUS_KEY_ENV, GITHUB_TOKEN_ENV):
            assert name in text, (command, name)
        assert "runs the page's own scripts" in text


def test_thread_options_go_to_a_crawl_that_takes_them_and_blank_keys_count_as_none() -> None:
    def crawl_with(url: str, *, thread_options: ThreadOptions | None = None) -> None: ...

    def crawl_without(url: str) -> None: ...

    settings = tasks.ArchiveSettings(render=True, disqus_api_key="  ", github_token=f" {GITHUB_TOKEN} ")
    assert tasks.thread_options_kwargs(crawl_with, settings) == {
        "thread_options": ThreadOptions(render=True, disqus_api_key=None, github_token=GITHUB_TOKEN)
    }
    assert tasks.thread_options_kwargs(crawl_without, settings) == {}


# -- show and list on an archive written through storage (no crawl needed)


def _post(slug: str, *, system: CommentSystem | None, comments: tuple[Comment, ...] = ()) -> Post:
    return Post(
        url=f"https://quiet.example/{slug}/",
        title=f"Walk {slug}",
        author="Ines",
        published_at=datetime(2024, 6, 1, 9, 0, tzinfo=UTC),
        updated_at=None,
        body_md=f"The {slug} walk.",
        comments=comments,
        comment_system=system,
    )


@pytest.fixture
def archive_with_systems(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    path = tmp_path / "systems.sqlite"
    reply = Comment("i-1", None, 0, 0, "Quill", None, None, "comment", "Read through the interface.")
    posts = {
        "missing": _post("missing", system=CommentSystem("disqus", "none", 143, NOTE, (("shortname", "q"),), DETECTED)),
        "isso": _post("isso", system=CommentSystem("isso", "api", 1, "", (), DETECTED), comments=(reply,)),
        "rendered": _post("rendered", system=CommentSystem("commento", "rendered", None, "", (), DETECTED)),
        "plain": _post("plain", system=None, comments=(reply,)),
    }
    with open_archive(path) as archive:
        blog_id = archive.save_blog(Blog(url="https://quiet.example/", title="Quiet", platform="generic"))
        ids = {name: archive.save_post(blog_id, post).post_id for name, post in posts.items()}
    return path, ids


def test_show_says_what_is_missing_and_where_a_thread_came_from(
    archive_with_systems: tuple[Path, dict[str, int]],
) -> None:
    path, ids = archive_with_systems
    runner = CliRunner()

    missing = runner.invoke(cli, ["show", str(ids["missing"]), "--db", str(path)])
    assert missing.exit_code == 0, missing.output
    assert "Comment system: Disqus (not captured, 143 stated)" in missing.output
    assert NOTE in missing.output
    assert "— comments not captured —" in missing.output
    assert "— 0 comments —" not in missing.output

    isso = runner.invoke(cli, ["show", str(ids["isso"]), "--db", str(path)]).output
    assert "Comments read from Isso's interface on 2025-02-03." in isso
    assert "— 1 comments —" in isso

    rendered = runner.invoke(cli, ["show", str(ids["rendered"]), "--db", str(path)]).output
    assert "Comments read from a rendering of the page on 2025-02-03" in rendered

    plain = runner.invoke(cli, ["show", str(ids["plain"]), "--db", str(path)]).output
    assert "Comment system" not in plain and "not captured" not in plain


def test_list_marks_and_filters_posts_with_missing_comments(archive_with_systems: tuple[Path, dict[str, int]]) -> None:
    path, ids = archive_with_systems
    runner = CliRunner()
    everything = runner.invoke(cli, ["list", "--db", str(path)], env={"COLUMNS": "200"})
    assert everything.exit_code == 0, everything.output
    assert all(f"Walk {name}" in everything.output for name in ids)
    assert "1 posts' comments are kept by Disqus and were not captured" in everything.output
    assert "--missing-comments" in everything.output

    only = runner.invoke(cli, ["list", "--missing-comments", "--db", str(path)], env={"COLUMNS": "200"})
    assert only.exit_code == 0, only.output
    assert "Walk missing" in only.output
    assert not any(f"Walk {name}" in only.output for name in ("isso", "rendered", "plain"))
    assert "1 posts," in only.output


def test_notices_for_each_origin() -> None:
    from desktop.comment_notices import thread_notice

    crawl_note = "Comments read from a rendering of the page (its scripts ran in a headless browser) on 2025-02-03."
    rendered = CommentSystem("commento", "rendered", 3, crawl_note, (), DETECTED)
    assert thread_notice(rendered) == f"Commento: {crawl_note}"  # the crawl's note is not said twice
    assert thread_notice(CommentSystem("disqus", "import")) == "Comments imported from a Disqus export."
    partial = CommentSystem("isso", "api", 9, "Only part of the Isso thread could be read (4 comments).")
    assert (
        thread_notice(partial)
        == "Comments read from Isso's interface. Only part of the Isso thread could be read (4 comments)."
    )
    assert thread_notice(CommentSystem("hyvor", "none", 5)) == "This post uses Hyvor Talk. 5 comments not captured."
    assert thread_notice(None) == ""
