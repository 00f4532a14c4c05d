"""The HTML pages: story list, story, source view, search, entities, dyad timeline, API reference.

Server-rendered with Jinja2 (autoescaped); one small script, /static/app.js, adds the in-page
source panel. Every page works without it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from rashomon.brief import STATUS_ORDER, STATUS_TITLES
from rashomon.web import data, views
from rashomon.web.api import DATE, merged_into, page_of_stories, story_url
from rashomon.web.cached import draw_chart, entity_listing
from rashomon.web.context import Memo, Settings, Stores, static_files, templates
from rashomon.web.security import SVG_CSP

PAGE = 25


def render(template: str, /, **context) -> HTMLResponse:
    return HTMLResponse(templates().get_template(template).render(
        STATUS_ORDER=STATUS_ORDER, STATUS_TITLES=STATUS_TITLES, **context))  # fmt: skip


def router(settings: Settings, stores: Stores, app: FastAPI, memo: Memo) -> APIRouter:
    pages = APIRouter(include_in_schema=False)
    statics = static_files()

    @pages.get("/", response_class=HTMLResponse)
    def home(
        text: Annotated[str | None, Query(max_length=500)] = None,
        entity: Annotated[str | None, Query(max_length=200)] = None,
        since: Annotated[str | None, Query(pattern=DATE + "|^$")] = None,
        until: Annotated[str | None, Query(pattern=DATE + "|^$")] = None,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> HTMLResponse:
        filters = {"text": text or None, "entity": entity or None, "since": since or None, "until": until or None}
        items, next_offset = page_of_stories(stores.get(), offset, PAGE, **filters)
        return render("stories.html.j2", title="Stories", stories=items, filters=filters, offset=offset,
                      next_offset=next_offset, prev_offset=max(0, offset - PAGE) if offset else None, page=PAGE)  # fmt: skip

    @pages.get("/stories/{story_id}", response_class=HTMLResponse)
    def story(story_id: str, request: Request) -> Response:
        store = stores.get()
        found = store.story(story_id)
        if (new_id := merged_into(store, story_id, found)) is not None:  # a bookmark of a story merged into another
            return RedirectResponse(story_url("/stories/{}", new_id, request), status_code=308)
        view = views.story_view(found)
        return render("story.html.j2", title=view.story.headline, v=view)

    @pages.get("/documents/{doc_id}", response_class=HTMLResponse)
    def document(
        doc_id: str,
        start: Annotated[int | None, Query(ge=0)] = None,
        end: Annotated[int | None, Query(ge=0)] = None,
    ) -> HTMLResponse:
        doc, story_id = data.document(stores.get().conn, doc_id)
        span = views.clamp_span(doc.text, start, end)
        segments = views.highlight(doc.text, [(span[0], span[1], "quote")] if span else [])
        story_title = data.headlines(stores.get().conn, [story_id]).get(story_id) if story_id else None
        return render("document.html.j2", title=doc.title or doc.id, doc=doc, segments=segments, span=span,
                      asked=(start, end), story_id=story_id, story_title=story_title,
                      url=views.safe_url(doc.url))  # fmt: skip

    @pages.get("/search", response_class=HTMLResponse)
    def search(
        q: Annotated[str, Query(max_length=500)] = "",
        kind: Annotated[str, Query(pattern="^(all|documents|facts)$")] = "all",
    ) -> HTMLResponse:
        hits = stores.get().search(q, limit=30, kind=kind) if q.strip() else []
        titles = data.headlines(stores.get().conn, sorted({h.story_id for h in hits if h.story_id}))
        return render("search.html.j2", title="Search", q=q, kind=kind, titles=titles,
                      hits=[(h, views.parse_snippet(h.snippet)) for h in hits])  # fmt: skip

    @pages.get("/entities", response_class=HTMLResponse)
    def entities(
        name: Annotated[str | None, Query(max_length=200)] = None,
        type: Annotated[str | None, Query(max_length=20)] = None,
    ) -> HTMLResponse:
        found = entity_listing(stores, memo, name or None, type or None)
        return render("entities.html.j2", title="Entities", entities=found, name=name or "", type=type or "")

    @pages.get("/entities/{name}", response_class=HTMLResponse)
    def entity(name: str, type: Annotated[str | None, Query(max_length=20)] = None) -> HTMLResponse:
        found = [e for e in stores.get().entities(name=name, type=type or None, limit=None) if e.name.casefold() == name.casefold()]
        if not found:
            raise HTTPException(status_code=404, detail=f"no entity named {name!r}")
        titles = data.headlines(stores.get().conn, sorted({s for e in found for s in e.story_ids}))
        return render("entity.html.j2", title=name, entities=found, titles=titles)

    @pages.get("/timeline", response_class=HTMLResponse)
    def timeline_page(
        a: Annotated[str, Query(max_length=100)] = "",
        b: Annotated[str, Query(max_length=100)] = "",
    ) -> HTMLResponse:
        a, b = a.strip(), b.strip()
        events = []
        if a and b:
            from rashomon import timeline

            events = timeline.dyad(data.dyad_candidates(stores.get().conn, a, b), a, b)
        return render("timeline.html.j2", title=f"{a} – {b}" if a and b else "Timeline", a=a, b=b, events=events)

    @pages.get("/timeline.svg")
    def timeline_svg(a: Annotated[str, Query(min_length=1, max_length=100)], b: Annotated[str, Query(min_length=1, max_length=100)]) -> Response:
        a, b = a.strip(), b.strip()
        svg = memo.get(("chart", a, b), lambda: draw_chart(stores, a, b))
        if svg is None:
            raise HTTPException(status_code=404, detail=f"no events between {a!r} and {b!r}")
        return Response(svg, media_type="image/svg+xml", headers={"content-security-policy": SVG_CSP})

    @pages.get("/docs", response_class=HTMLResponse)
    def docs() -> HTMLResponse:
        """The API reference, drawn from the OpenAPI schema (Swagger UI would need a CDN)."""
        return render("docs.html.j2", title="API", spec=app.openapi())

    @pages.get("/static/{name}")
    def static(name: str) -> Response:
        found = statics.get(name)  # a lookup in a fixed table: no path ever reaches the file system
        if found is None:
            raise HTTPException(status_code=404, detail="no such static file")
        body, media = found
        return Response(body, media_type=media, headers={"cache-control": "public, max-age=3600"})

    return pages
