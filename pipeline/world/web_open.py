"""web.open: a page's text, after following redirects, as the call asks to see it.

- Redirects are followed (at most 5, as a browser would); the result's ``url``
  is where the page is and ``redirected_from`` what was asked for. A missing
  page is an HTTP 404 naming the address that failed (after a redirect, the
  redirect's target) and, like a success, giving ``url`` and
  ``redirected_from``.
- The page is rendered as ``text`` (the default) or ``markdown`` (``#``
  headings), a section's text keeping its own line breaks; ``lines``
  counts the whole rendering.
- ``sections`` keeps the title and the named sections, in page order, and
  lists the names the page does not have in ``missing_sections``.
- ``window`` keeps ``length`` lines from line ``offset`` (0-based);
  ``max_chars`` then cuts the text and sets ``truncated``.
- ``include_links`` adds the page's ``links``.
"""

from __future__ import annotations

from typing import Any

from pipeline.world.model import MAX_REDIRECTS, Page, Section, World

NAME = "web.open"


def render(page: Page, sections: tuple[Section, ...], markdown: bool) -> list[str]:
    lines = [f"# {page.title}" if markdown else page.title]
    for section in sections:
        lines += ["", f"## {section.heading}" if markdown else section.heading]
        lines += section.text.split("\n")
    return lines


def follow(world: World, url: str) -> tuple[str | None, int]:
    """(final address or None for a redirect loop, hops)."""
    hops = 0
    while url in world.redirects:
        if hops == MAX_REDIRECTS:
            return None, hops
        url = world.redirects[url]
        hops += 1
    return url, hops


def execute(world: World, args: dict[str, Any]) -> dict[str, Any]:
    asked = args["url"]
    final, hops = follow(world, asked)
    if final is None:
        return {"ok": False, "status": 310, "error": f"TooManyRedirects: {asked}"}
    page = world.pages.get(final)
    if page is None:
        # As a browser shows it: the address that failed, and what was asked for.
        failed: dict[str, Any] = {"ok": False, "status": 404, "url": final}
        if hops:
            failed["redirected_from"] = asked
        return {**failed, "error": f"HTTP 404 Not Found: {final}"}
    markdown = args.get("format") == "markdown"
    result: dict[str, Any] = {"ok": True, "status": 200, "url": final}
    if hops:
        result["redirected_from"] = asked
    result.update(title=page.title, published=page.published)
    result["lines"] = len(render(page, page.sections, markdown))
    chosen = page.sections
    if "sections" in args:
        wanted = args["sections"]
        chosen = tuple(s for s in page.sections if s.heading in wanted)
        missing = [name for name in wanted if name not in {s.heading for s in page.sections}]
        if missing:
            result["missing_sections"] = missing
    lines = render(page, chosen, markdown)
    if "window" in args:
        offset, length = args["window"]["offset"], args["window"]["length"]
        result["window"] = [offset, min(offset + length, len(lines))]
        lines = lines[offset : offset + length]
    content = "\n".join(lines)
    limit = args.get("max_chars")
    if limit is not None and len(content) > limit:
        content = content[:limit]
        result["truncated"] = True
    result["content"] = content
    if args.get("include_links"):
        result["links"] = list(page.links)
    return result
