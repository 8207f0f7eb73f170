"""HTML to readable Markdown or text with the standard library's parser (no scripts, styles, or chrome)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

SKIP = {"script", "style", "noscript", "svg", "head", "nav", "footer", "iframe", "template", "form"}
BLOCK = {"p", "div", "section", "article", "main", "header", "table", "tr", "br", "blockquote", "figure"}


class _Converter(HTMLParser):
    def __init__(self, markdown: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.markdown = markdown
        self.out: list[str] = []
        self.skip = 0
        self.pre = 0
        self.href: str | None = None
        self.link_text: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIP:
            self.skip += 1
        if tag == "title":
            self._in_title = True
        if self.skip:
            return
        if tag in BLOCK:
            self.out.append("\n\n")
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.out.append("\n\n" + ("#" * int(tag[1]) + " " if self.markdown else ""))
        elif tag == "li":
            self.out.append("\n- ")
        elif tag == "pre":
            self.pre += 1
            self.out.append("\n\n```\n" if self.markdown else "\n\n")
        elif tag == "code" and not self.pre and self.markdown:
            self.out.append("`")
        elif tag == "a" and self.markdown:
            self.href = dict(attrs).get("href")
            self.link_text = []
        elif tag in ("strong", "b") and self.markdown:
            self.out.append("**")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP:
            self.skip = max(0, self.skip - 1)
        if tag == "title":
            self._in_title = False
        if self.skip:
            return
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6") or tag in BLOCK:
            self.out.append("\n\n")
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
            self.out.append("\n```\n\n" if self.markdown else "\n\n")
        elif tag == "code" and not self.pre and self.markdown:
            self.out.append("`")
        elif tag == "a" and self.markdown and self.href is not None:
            text = "".join(self.link_text).strip()
            if text and not self.href.startswith(("javascript:", "#")):
                self.out.append(f"[{text}]({self.href})")
            else:
                self.out.append(text)
            self.href = None
        elif tag in ("strong", "b") and self.markdown:
            self.out.append("**")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self.skip:
            return
        if not self.pre:
            data = re.sub(r"\s+", " ", data)
        if self.href is not None and self.markdown:
            self.link_text.append(data)
        else:
            self.out.append(data)


def html_to_text(html: str, *, markdown: bool = True) -> tuple[str, str]:
    """Returns (title, body)."""
    parser = _Converter(markdown)
    parser.feed(html)
    parser.close()
    body = "".join(parser.out)
    body = re.sub(r"[ \t]+\n", "\n", body)
    body = re.sub(r"\n{3,}", "\n\n", body).strip()
    return parser.title.strip(), body
