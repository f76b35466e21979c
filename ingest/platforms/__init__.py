"""The platform registry: one module per blog platform, asked in order; `generic` comes last and takes anything."""

from __future__ import annotations

from ingest.platforms import (
    blogger,
    drupal,
    generic,
    ghost,
    hatena,
    livejournal,
    medium,
    movabletype,
    serendipity,
    squarespace,
    substack,
    tumblr,
    wordpress,
)
from ingest.platforms.base import Platform, Selectors, as_platform

PLATFORMS: tuple[Platform, ...] = tuple(
    as_platform(module)
    for module in (
        wordpress,
        blogger,
        substack,
        medium,
        ghost,
        squarespace,
        tumblr,
        drupal,
        livejournal,
        movabletype,
        hatena,
        serendipity,
        generic,
    )
)
FALLBACK: Platform = as_platform(generic)


def platform_named(name: str) -> Platform:
    """The registered platform called `name`, or the generic fallback."""
    for platform in PLATFORMS:
        if platform.NAME == name:
            return platform
    return FALLBACK


__all__ = ["FALLBACK", "PLATFORMS", "Platform", "Selectors", "platform_named"]
