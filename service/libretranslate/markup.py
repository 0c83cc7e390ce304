"""``format=html``: tags, attributes, comments and entities kept; only text nodes translated.

Parsed with the standard library's ``html.parser``. Text inside ``script``, ``style``,
``code``, ``pre`` and any element with ``translate="no"`` (or class ``notranslate``) is kept
as it is. Each text node is translated on its own (its surrounding whitespace kept); the text
that goes out is escaped again, so the result is well-formed wherever the input was.
"""
from __future__ import annotations

import html
from html.parser import HTMLParser

KEEP = {"script", "style", "code", "pre", "textarea"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Document:
    """A parsed HTML fragment: literal parts and text nodes (``nodes`` are indexes into ``parts``)."""

    def __init__(self, parts: list[str], nodes: list[int]):
        self.parts = parts
        self.nodes = nodes

    def texts(self) -> list[str]:
        """The text nodes to translate, without their surrounding whitespace."""
        return [self.parts[i].strip() for i in self.nodes]

    def text(self) -> str:
        return " ".join(self.texts())

    def render(self, translations: list[str]) -> str:
        parts = list(self.parts)
        for index, translated in zip(self.nodes, translations, strict=True):
            raw = parts[index]
            lead, trail = raw[:len(raw) - len(raw.lstrip())], raw[len(raw.rstrip()):]
            parts[index] = lead + translated + trail
        return "".join(html.escape(part, quote=False) if i in set(self.nodes) else part
                       for i, part in enumerate(parts))


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.nodes: list[int] = []
        self.stack: list[tuple[str, bool]] = []        # open elements and whether they keep their text

    def _keeping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(self.get_starttag_text() or "")
        if tag in VOID:
            return
        values = dict(attrs)
        keep = (self._keeping() or tag in KEEP or (values.get("translate") or "").lower() == "no"
                or "notranslate" in (values.get("class") or "").split())
        self.stack.append((tag, keep))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self.parts.append(f"</{tag}>")
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                break

    def handle_data(self, data: str) -> None:
        if self._keeping() or not any(char.isalnum() for char in data):
            # kept text is emitted as it came (script and style data is raw, not escaped)
            self.parts.append(data if self._keeping() and self.stack[-1][0] in ("script", "style")
                              else html.escape(data, quote=False))
            return
        self.nodes.append(len(self.parts))
        self.parts.append(data)

    def handle_comment(self, data: str) -> None:
        self.parts.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.parts.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.parts.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.parts.append(f"<![{data}]>")


def parse(markup: str) -> Document:
    parser = _Parser()
    parser.feed(markup)
    parser.close()
    return Document(parser.parts, parser.nodes)
