"""One article as a page of its own: headline, date, outlet, every paragraph, the cited ones marked."""

from __future__ import annotations

import html
from pathlib import Path
from string import Template

from assistant.archive import ArticleText

TEMPLATE = Template((Path(__file__).parent / "static" / "article.html").read_text(encoding="utf-8"))


def render_article_page(article: ArticleText | None, text: dict[str, str], language: str, chunk_id: str = "") -> str:
    """The page; the paragraphs ``chunk_id`` covers are marked and the first of them is #cited."""
    direction = "rtl" if language == "ar" else "ltr"
    if article is None:
        body = f"<p>{html.escape(text['no_article'])}</p>"
        return TEMPLATE.substitute(language=language, direction=direction, title=html.escape(text["title"]), body=body)
    first, last = article.chunks.get(chunk_id, (-1, -2))
    summary = article.summary
    parts = [f'<h1 dir="auto">{html.escape(summary.headline)}</h1>']
    meta = " · ".join(filter(None, [summary.date[:10], summary.source]))
    parts.append(f'<p class="meta" dir="auto">{html.escape(meta)}</p>')
    for number, paragraph in enumerate(article.paragraphs):
        cited = first <= number <= last
        attributes = ' class="cited"' + (' id="cited"' if number == first else "") if cited else ""
        label = f' aria-label="{html.escape(text["cited_paragraph"])}"' if cited else ""
        parts.append(
            f'<p{attributes}{label} dir="auto"><span class="n">¶{number + 1}</span>{html.escape(paragraph)}</p>'
        )
    if summary.keywords:
        parts.append(
            f'<p class="keywords" dir="auto">{html.escape(text["keywords"])}: {html.escape(summary.keywords)}</p>'
        )
    if summary.url.lower().startswith(("https://", "http://")):
        parts.append(f'<p><a href="{html.escape(summary.url)}" rel="noopener">{html.escape(text["original"])}</a></p>')
    title = html.escape(f"{summary.headline} · {text['title']}")
    return TEMPLATE.substitute(language=language, direction=direction, title=title, body="\n".join(parts))
