"""Which controls the rendered fallback clicks, judged by label (pure, no browser)."""

from __future__ import annotations

import pytest

from ingest.render_controls import control_kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Load more comments", "more"),
        ("Show more", "more"),
        ("View 20 more comments", "more"),
        ("Older comments", "more"),
        ("Previous comments", "more"),
        ("12 more replies", "more"),
        ("Load 5 more replies", "more"),
        ("Mehr laden", "more"),
        ("Weitere Kommentare", "more"),
        ("Charger plus de commentaires", "more"),
        ("Cargar más", "more"),
        ("Mostra altri", "more"),
        ("Meer laden", "more"),
        ("Pokaż więcej", "more"),
        ("Показать ещё", "more"),
        ("もっと見る", "more"),
        ("加载更多", "more"),
        ("Show 3 replies", "once"),
        ("View 1 reply", "once"),
        ("See all 14 replies", "once"),
        ("5 replies", "once"),
        ("Show thread", "once"),
        ("3 Antworten anzeigen", "once"),
        ("Voir les 2 réponses", "once"),
        ("Ver 3 respuestas", "once"),
        ("Показать 2 ответа", "once"),
        ("返信を表示", "once"),
        ("查看回复", "once"),
        ("Show comments", "loader"),
        ("Load Disqus comments", "loader"),
        ("View the discussion", "loader"),
        ("Kommentare anzeigen", "loader"),
        ("Afficher les commentaires", "loader"),
        ("Показать комментарии", "loader"),
    ],
)
def test_controls_that_reveal_the_thread_are_recognised(text: str, kind: str) -> None:
    assert control_kind(text) == kind
    assert control_kind(text.upper()) == kind
    assert control_kind("", aria=text) == kind  # an icon button that says it in its aria-label


@pytest.mark.parametrize(
    "text",
    [
        "Reply",
        "Hide replies",
        "Show less",
        "Collapse thread",
        "Log in to comment",
        "Sign in",
        "Subscribe",
        "Share",
        "Report",
        "Delete",
        "Edit",
        "Post comment",
        "Sort by newest",
        "Like",
        "More posts",
        "Older posts",
        "Read more",  # a post excerpt's link, not the thread
        "Antworten ausblenden",
        "Скрыть ответы",
        "收起回复",
        "Next",
        "",
    ],
)
def test_controls_that_write_hide_or_leave_are_never_clicked(text: str) -> None:
    assert control_kind(text) is None


def test_icon_buttons_are_judged_by_their_class_and_long_labels_not_at_all() -> None:
    assert control_kind("", classes="btn load-more") == "more"
    assert control_kind("↓", classes="comments__load_more") == "more"
    assert control_kind("", classes="toggle show-replies") == "once"
    assert control_kind("A long label that only mentions the class by accident, and more", classes="load-more") is None
    assert control_kind("Load more comments " + "x" * 80) is None


def test_a_more_control_that_is_a_link_elsewhere_is_clicked_once() -> None:
    assert control_kind("Older comments", leaves=True) == "once"
    assert control_kind("Older comments", leaves=False) == "more"
