"""`threadbook anthology`: curate anthologies (items, comments, notes, privacy, edits) and export them."""

from __future__ import annotations

import logging
from pathlib import Path

import click
from rich.markup import escape

from desktop.cli_common import console, db_option, group_db
from exporters.formats import FORMAT_NAMES

log = logging.getLogger(__name__)


@click.group("anthology")
@db_option
@click.pass_context
def anthology(ctx: click.Context, db: Path | None) -> None:
    """Anthologies: books the editor puts together from archived posts, with chosen comments, sections and notes.

    \b
    threadbook anthology new "GW" --from-series "Guest Week" --editor "M. Hollis"
    threadbook anthology comments "GW" 61 --mode selected --include 17 --replies 18
    threadbook anthology note "GW" 61 "Written in the week of the fair."
    threadbook anthology export "GW" --format pdf -o gw.pdf
    """
    ctx.obj = {"db": db}


def _read_text_option(text: str | None, file: Path | None, what: str) -> str | None:
    if text is not None and file is not None:
        raise click.UsageError(f"Give the {what} as text or as --file, not both.")
    if file is not None:
        try:
            return file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise click.BadParameter(f"Couldn't read {file}: {exc}", param_hint="--file") from exc
    return text


@anthology.command("new")
@click.argument("name")
@click.option("--from-series", "series", help="Fill it with every part of this series, in order (kept up to date).")
@click.option("--title", default="", help="The book's title (default: the series' name, else NAME).")
@click.option("--subtitle", default="")
@click.option("--editor", default="", help="The editor's name, printed on the title page.")
@click.option("--intro", "intro", default=None, help="The introduction (Markdown).")
@click.option(
    "--intro-file", type=click.Path(dir_okay=False, path_type=Path), help="Read the introduction from a file."
)
@db_option
def anthology_new(
    name: str,
    series: str | None,
    title: str,
    subtitle: str,
    editor: str,
    intro: str | None,
    intro_file: Path | None,
    db: Path | None,
) -> None:
    """Create the anthology NAME, empty or made from a series in one step."""
    from storage.archive import open_archive

    introduction = _read_text_option(intro, intro_file, "introduction") or ""
    with open_archive(group_db(db)) as archive:
        spec = archive.create_anthology(
            name, title=title, subtitle=subtitle, editor=editor, introduction_md=introduction, from_series=series
        )
    console.print(f"Created {escape(spec.name)!r} with {len(spec.entries)} items.")


@anthology.command("list")
@db_option
def anthology_list(db: Path | None) -> None:
    """List the anthologies."""
    from storage.archive import open_archive

    with open_archive(group_db(db)) as archive:
        found = archive.list_anthologies()
    if not found:
        console.print('No anthologies yet. Make one with: threadbook anthology new NAME --from-series "SERIES"')
    for summary in found:
        series = f"  [dim](series {escape(summary.series)})[/dim]" if summary.series else ""
        console.print(f"{escape(summary.name)}: “{escape(summary.title)}”, {summary.item_count} items{series}")


def _position(position: int | None) -> int | None:
    return None if position is None else position - 1


@anthology.command("add")
@click.argument("name")
@click.argument("posts", nargs=-1, required=True, metavar="POST...")
@click.option("--position", type=click.IntRange(min=1), help="Where to put them (1 is first). Default: at the end.")
@click.option("--section", help="A section heading printed before the (first) post.")
@click.option("--note", default="", help="The editor's note on the post (Markdown).")
@click.option("--comments", "mode", type=click.Choice(["none", "all", "selected"]), help="Which comments to print.")
@db_option
def anthology_add(
    name: str,
    posts: tuple[str, ...],
    position: int | None,
    section: str | None,
    note: str,
    mode: str | None,
    db: Path | None,
) -> None:
    """Add archived POSTs (numbers or URLs) to the anthology NAME."""
    from storage.archive import open_archive

    with open_archive(group_db(db)) as archive:
        ids = [archive.find_post(ref) for ref in posts]  # every reference checked before anything changes
        spec = archive.load_anthology_spec(name)
        present = {entry.post_id for entry in spec.entries}
        if len(set(ids)) != len(ids) or present & set(ids):
            raise click.ClickException("A post can be in an anthology once; one of these is already there.")
        if position is not None and position > len(spec.entries) + 1:
            raise click.ClickException(
                f"Position {position} is out of range: the anthology has {len(spec.entries)} items."
            )
        at = _position(position)
        for offset, post_id in enumerate(ids):
            archive.add_anthology_item(
                name,
                post_id,
                position=None if at is None else at + offset,
                section=section if offset == 0 else None,
                note_md=note,
                comment_mode=mode,  # type: ignore[arg-type]
            )
    console.print(f"Added {len(ids)} post{'s' if len(ids) != 1 else ''}.")


@anthology.command("move")
@click.argument("name")
@click.argument("post", metavar="POST")
@click.option("--position", type=click.IntRange(min=1), required=True, help="The new place (1 is first).")
@db_option
def anthology_move(name: str, post: str, position: int, db: Path | None) -> None:
    """Move POST to another place in the anthology NAME."""
    from storage.archive import open_archive

    with open_archive(group_db(db)) as archive:
        archive.move_anthology_item(name, archive.find_post(post), position - 1)
    console.print(f"Moved to position {position}.")


@anthology.command("remove")
@click.argument("name")
@click.argument("post", metavar="POST")
@db_option
def anthology_remove(name: str, post: str, db: Path | None) -> None:
    """Take POST out of the anthology NAME (with its comment choices and edited text)."""
    from storage.archive import open_archive

    with open_archive(group_db(db)) as archive:
        archive.remove_anthology_item(name, archive.find_post(post))
    console.print("Removed.")


def _excerpt_pair(value: str) -> tuple[str, str]:
    comment, sep, text = value.partition("=")
    if not sep or not comment.strip():
        raise click.BadParameter(f"{value!r}: write COMMENT=TEXT.", param_hint="--excerpt")
    return comment.strip().lstrip("#"), text


@anthology.command("comments")
@click.argument("name")
@click.argument("post", metavar="POST")
@click.option("--mode", type=click.Choice(["none", "all", "selected"]), help="none, all, or only the chosen ones.")
@click.option("--include", multiple=True, metavar="COMMENT", help="Print this comment (its # in `threadbook show`).")
@click.option("--replies", multiple=True, metavar="COMMENT", help="Print this comment and every reply under it.")
@click.option("--exclude", multiple=True, metavar="COMMENT", help="Leave this comment (and its replies) out.")
@click.option("--clear", multiple=True, metavar="COMMENT", help="Forget the choice for this comment.")
@click.option("--excerpt", multiple=True, metavar="COMMENT=TEXT", help="Print TEXT instead of the comment's text.")
@db_option
def anthology_comments(
    name: str,
    post: str,
    mode: str | None,
    include: tuple[str, ...],
    replies: tuple[str, ...],
    exclude: tuple[str, ...],
    clear: tuple[str, ...],
    excerpt: tuple[str, ...],
    db: Path | None,
) -> None:
    """Choose which comments of POST the anthology NAME prints.

    \b
    Modes: none; all (minus the ones excluded); selected (only the ones included).
    A reply to a comment left out is left out too, unless it is chosen itself; "--replies" includes a whole branch.
    """
    from storage.archive import open_archive

    excerpts = [_excerpt_pair(value) for value in excerpt]
    with open_archive(group_db(db)) as archive:
        post_id = archive.find_post(post)
        spec = archive.load_anthology_spec(name)
        if post_id not in {entry.post_id for entry in spec.entries}:
            raise click.ClickException(f"Post {post_id} is not in the anthology {name!r}. Add it first.")
        known = {c.source_id for c in archive.load_post(post_id).comments}
        choices = (
            [(c, "include") for c in include] + [(c, "replies") for c in replies] + [(c, "exclude") for c in exclude]
        )
        wanted = [c.lstrip("#") for c, _ in choices] + [c.lstrip("#") for c in clear] + [c for c, _ in excerpts]
        unknown = [c for c in wanted if c not in known]
        if unknown:
            raise click.ClickException(
                f"Post {post_id} has no comment #{unknown[0]}. `threadbook show {post_id}` lists its comments."
            )
        if mode is not None:
            archive.set_anthology_item(name, post_id, comment_mode=mode)  # type: ignore[arg-type]
        for comment, choice in choices:
            archive.set_comment_choice(name, post_id, comment.lstrip("#"), choice)  # type: ignore[arg-type]
        for comment in clear:
            archive.set_comment_choice(name, post_id, comment.lstrip("#"), None)
        if excerpts:
            entry = next(e for e in archive.load_anthology_spec(name).entries if e.post_id == post_id)
            current = {c.comment_source_id: c.choice for c in entry.choices}
            for comment, text in excerpts:  # an excerpt of a comment not chosen yet includes it
                archive.set_comment_choice(name, post_id, comment, current.get(comment, "include"), excerpt_md=text)
    console.print("Saved.")


@anthology.command("note")
@click.argument("name")
@click.argument("post", metavar="POST")
@click.argument("text")
@db_option
def anthology_note(name: str, post: str, text: str, db: Path | None) -> None:
    """Set the editor's note (Markdown) printed with POST; "" removes it."""
    from storage.archive import open_archive

    with open_archive(group_db(db)) as archive:
        archive.set_anthology_item(name, archive.find_post(post), note_md=text)
    console.print("Saved.")


@anthology.command("section")
@click.argument("name")
@click.argument("post", metavar="POST")
@click.argument("heading", required=False)
@db_option
def anthology_section(name: str, post: str, heading: str | None, db: Path | None) -> None:
    """Start a section with HEADING before POST (no HEADING: remove the section heading)."""
    from storage.archive import open_archive

    with open_archive(group_db(db)) as archive:
        archive.set_anthology_item(name, archive.find_post(post), section=heading)
    console.print("Saved.")


@anthology.command("intro")
@click.argument("name")
@click.option("--text", default=None, help="The introduction (Markdown).")
@click.option("--file", type=click.Path(dir_okay=False, path_type=Path), help="Read it from a file.")
@click.option("--title", default=None)
@click.option("--subtitle", default=None)
@click.option("--editor", default=None)
@db_option
def anthology_intro(
    name: str,
    text: str | None,
    file: Path | None,
    title: str | None,
    subtitle: str | None,
    editor: str | None,
    db: Path | None,
) -> None:
    """Set the introduction (Markdown) and the front matter: title, subtitle, editor."""
    from storage.archive import open_archive

    introduction = _read_text_option(text, file, "introduction")
    with open_archive(group_db(db)) as archive:
        archive.update_anthology(name, introduction_md=introduction, title=title, subtitle=subtitle, editor=editor)
    console.print("Saved.")


@anthology.command("privacy")
@click.argument("name")
@click.option(
    "--names",
    type=click.Choice(["names", "initials", "reader"]),
    help='Print commenters by name, as initials ("M. H."), or as "A reader".',
)
@click.option("--urls/--no-urls", default=None, help="Print or leave out commenters' web addresses.")
@db_option
def anthology_privacy(name: str, names: str | None, urls: bool | None, db: Path | None) -> None:
    """How the anthology NAME prints commenters: names, initials or "A reader", with or without their URLs."""
    from storage.archive import open_archive

    with open_archive(group_db(db)) as archive:
        archive.update_anthology(
            name,
            commenter_names=names,  # type: ignore[arg-type]
            omit_commenter_urls=None if urls is None else not urls,
        )
    console.print("Saved.")


@anthology.command("edit")
@click.argument("name")
@click.argument("post", metavar="POST")
@click.option("--file", type=click.Path(dir_okay=False, path_type=Path), help="The edited text (Markdown).")
@click.option("--revert", is_flag=True, help="Print the archived original again.")
@db_option
def anthology_edit(name: str, post: str, file: Path | None, revert: bool, db: Path | None) -> None:
    """Edit the text of POST for this anthology only; the archived original never changes.

    Without --file, opens your $EDITOR on the current version. See the changes with `threadbook anthology diff`.
    """
    from storage.archive import open_archive

    if file is not None and revert:
        raise click.UsageError("Give --file or --revert, not both.")
    with open_archive(group_db(db)) as archive:
        post_id = archive.find_post(post)
        if revert:
            archive.set_edited_text(name, post_id, None)
            console.print("The anthology prints the archived text again.")
            return
        if file is not None:
            text = _read_text_option(None, file, "text")
        else:
            current = archive.edited_text(name, post_id) or archive.load_post(post_id).body_md
            text = click.edit(current, extension=".md")
            if text is None or text == current:
                console.print("Nothing changed.")
                return
        archive.set_edited_text(name, post_id, text)
    console.print("Saved. `threadbook anthology diff` shows what changed.")


@anthology.command("diff")
@click.argument("name")
@click.argument("post", metavar="POST")
@db_option
def anthology_diff(name: str, post: str, db: Path | None) -> None:
    """Show how the anthology's version of POST differs from the archived original (a unified diff)."""
    from desktop.anthologies import text_diff

    diff = text_diff(group_db(db), name, post)
    click.echo(diff if diff else "The anthology prints the archived text unchanged.", nl=not diff)


@anthology.command("show")
@click.argument("name")
@db_option
def anthology_show(name: str, db: Path | None) -> None:
    """Show the anthology NAME: front matter, privacy, and its items in order with their choices."""
    from storage.archive import open_archive

    with open_archive(group_db(db)) as archive:
        spec = archive.load_anthology_spec(name)
    console.print(f"[bold]{escape(spec.title)}[/bold]" + (f" — {escape(spec.subtitle)}" if spec.subtitle else ""))
    if spec.editor:
        console.print(f"Edited by {escape(spec.editor)}")
    if spec.series:
        console.print(f"From the series {escape(spec.series)} (new parts are appended by `anthology refresh`)")
    console.print(f"Commenters: {spec.commenter_names}" + (", without their URLs" if spec.omit_commenter_urls else ""))
    if spec.introduction_md.strip():
        console.print(f"Introduction: {escape(spec.introduction_md.strip()[:200])}", soft_wrap=True)
    for entry in spec.entries:
        if entry.section:
            console.print(f"\n  [bold]§ {escape(entry.section)}[/bold]")
        edited = " [dim](edited text)[/dim]" if entry.edited else ""
        console.print(f"{entry.position + 1:>3}. {escape(entry.post_title)}  [dim]#{entry.post_id}[/dim]{edited}")
        picks = ", ".join(
            f"{c.choice} #{c.comment_source_id}" + (" (excerpt)" if c.excerpt_md else "") for c in entry.choices
        )
        console.print(f"     comments: {entry.comment_mode}" + (f"; {escape(picks)}" if picks else ""))
        if entry.note_md:
            console.print(f"     note: {escape(entry.note_md)}", soft_wrap=True)


@anthology.command("refresh")
@click.argument("name")
@db_option
def anthology_refresh(name: str, db: Path | None) -> None:
    """Append the parts the anthology's series gained since (every choice made stays)."""
    from storage.archive import open_archive

    with open_archive(group_db(db)) as archive:
        added = archive.refresh_anthology(name)
    console.print(f"Appended {len(added)} new part{'s' if len(added) != 1 else ''}.")


@anthology.command("export")
@click.argument("name")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "pdf", *FORMAT_NAMES]), required=True, help="What to write."
)
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The file to write (replaced only when the export succeeds).",
)
@click.option("--page-size", type=click.Choice(["A4", "Letter", "A5"]), default="A4", show_default=True)
@db_option
def anthology_export(name: str, fmt: str, out: Path, page_size: str, db: Path | None) -> None:
    """Export the anthology NAME as a PDF book, JSON (docs/json-format.md, version 2), EPUB, a Markdown bundle, a web
    page or citations (docs/formats.md)."""
    from desktop.anthologies import export_anthology

    if fmt in FORMAT_NAMES:
        from desktop.exports import export_anthology_as

        written = export_anthology_as(fmt, db_path=group_db(db), name=name, out_path=out)
        console.print(f"Wrote {escape(str(written))}")
        return
    path = export_anthology(group_db(db), name, fmt=fmt, out_path=out, page_size=page_size)  # type: ignore[arg-type]
    console.print(f"Wrote {escape(str(path))}")


@anthology.command("delete")
@click.argument("name")
@db_option
def anthology_delete(name: str, db: Path | None) -> None:
    """Delete the anthology NAME (the archived posts are untouched)."""
    from storage.archive import open_archive

    with open_archive(group_db(db)) as archive:
        archive.delete_anthology(name)
    console.print("Deleted.")
