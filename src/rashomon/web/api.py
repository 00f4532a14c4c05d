"""The JSON API under /api: what the pages show, as data, plus ingest (token required)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, Field

from rashomon.model import Analysis, to_dict
from rashomon.store import StoreBusy
from rashomon.web import data
from rashomon.web.cached import entity_listing
from rashomon.web.context import Memo, Settings, Stores
from rashomon.web.security import check_token, inside, safe_upload_name, token_from

DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"  # an ISO date or a prefix of one: 2013, 2013-08, 2013-08-28
MAX_PAGE = 100


class Page(BaseModel):
    items: list[dict[str, Any]]
    offset: int
    limit: int
    next_offset: int | None = Field(description="offset of the next page, null on the last page")


class PathList(BaseModel):
    paths: list[str] = Field(min_length=1, max_length=1000,
                             description="files or folders (or file:// URLs) inside the server's ingest root")


def page_of_stories(store, offset: int, limit: int, **filters) -> tuple[list, int | None]:
    """One page of stories (newest first) and the next page's offset, or None on the last one."""
    found = store.stories(offset=offset, limit=limit + 1, **filters)  # one more: is there a next page?
    return found[:limit], (offset + limit if len(found) > limit else None)


def merged_into(store, story_id: str, found: Analysis) -> str | None:
    """The id of the story that absorbed `story_id` when a merge folded that story away, else
    None. `found` is what the store gave for `story_id`: only when it is another story (a
    document id, or a story merged away) is the redirect table asked, so a live story's page
    costs no query more than it did."""
    if found.stories[0].id == story_id:
        return None
    return store.locate(story_id).merged_into


def story_url(template: str, story_id: str, request: Request) -> str:
    """`template` ("/api/stories/{}") with the story's id in it, the request's query string kept."""
    url = template.format(quote(story_id, safe=""))
    return f"{url}?{request.url.query}" if request.url.query else url


def moved(old_id: str, new_id: str, url: str) -> JSONResponse:
    """308 Permanent Redirect to the absorbing story: what HTTP clients follow (`curl -L`,
    requests, httpx with `follow_redirects=True`), with a body naming it for those that do not."""
    return JSONResponse(
        {"detail": f"story {old_id!r} was merged into {new_id!r}", "redirected_from": old_id, "merged_into": new_id},
        status_code=308, headers={"location": url},
    )  # fmt: skip


def router(settings: Settings, stores: Stores, memo: Memo) -> APIRouter:
    api = APIRouter(prefix="/api", tags=["api"])

    def writer(request: Request) -> None:
        check_token(settings.token, token_from(request))

    @api.get("/stories", response_model=Page, summary="Stories, newest first, paged and filtered")
    def stories(
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
        since: Annotated[str | None, Query(pattern=DATE, description="ISO date or prefix, inclusive")] = None,
        until: Annotated[str | None, Query(pattern=DATE, description="ISO date or prefix, inclusive")] = None,
        entity: Annotated[str | None, Query(max_length=200, description="entity name or alias")] = None,
        text: Annotated[str | None, Query(max_length=500, description="full-text filter")] = None,
    ) -> Page:
        items, next_offset = page_of_stories(stores.get(), offset, limit, since=since, until=until, entity=entity, text=text)
        return Page(items=[s.to_dict() for s in items], offset=offset, limit=limit, next_offset=next_offset)

    @api.get("/stories/{story_id}", summary="One story and its documents (the JSON contract)",
             description="The id of a story that a merge folded into another answers 308 Permanent Redirect to "
                         "the absorbing story (its id in `merged_into`).",
             responses={308: {"description": "the story was merged into another: follow `Location`"}})  # fmt: skip
    def story(story_id: str, request: Request) -> Any:
        store = stores.get()
        found = store.story(story_id)
        if (new_id := merged_into(store, story_id, found)) is not None:
            return moved(story_id, new_id, story_url("/api/stories/{}", new_id, request))
        return found.to_dict()

    @api.get("/stories/{story_id}/brief", summary="The story's brief as Markdown, HTML or JSON",
             description="A merged-away story's id answers 308 to the absorbing story's brief (same format).",
             response_class=PlainTextResponse,
             responses={308: {"description": "the story was merged into another: follow `Location`"}})  # fmt: skip
    def brief(story_id: str, request: Request, format: Literal["markdown", "html", "json"] = "markdown") -> Response:
        from rashomon import brief as briefs

        store = stores.get()
        found = store.story(story_id)
        if (new_id := merged_into(store, story_id, found)) is not None:
            return moved(story_id, new_id, story_url("/api/stories/{}/brief", new_id, request))
        media = {"markdown": "text/markdown", "html": "text/html", "json": "application/json"}[format]
        text = briefs.render(found, format)
        # The HTML brief is a whole page with its own inline style: served as a download-like
        # document under a policy that allows that style and nothing else.
        headers = {"content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"}
        return PlainTextResponse(text, media_type=f"{media}; charset=utf-8", headers=headers if format == "html" else None)

    @api.get("/documents/{doc_id}", summary="One document: clean text, metadata, removed boilerplate, its story")
    def document(doc_id: str) -> dict[str, Any]:
        doc, story_id = data.document(stores.get().conn, doc_id)
        return {**to_dict(doc), "story_id": story_id}

    @api.get("/entities", summary="Entities across stories, most widely reported first")
    def entities(
        name: Annotated[str | None, Query(max_length=200)] = None,
        type: Annotated[str | None, Query(max_length=20, description="PERSON, GPE, ORG, LOC, ...")] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> list[dict[str, Any]]:
        if limit == 100:  # the default listing is the one the entities page shows: shared and kept until the store changes
            return [e.to_dict() for e in entity_listing(stores, memo, name, type)]
        return [e.to_dict() for e in stores.get().entities(name=name, type=type, limit=limit)]

    @api.get("/search", summary="Full-text search over documents and facts (BM25)")
    def search(
        q: Annotated[str, Query(min_length=1, max_length=500)],
        kind: Literal["all", "documents", "facts"] = "all",
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
    ) -> list[dict[str, Any]]:
        return [h.to_dict() for h in stores.get().search(q, limit=limit, kind=kind)]

    @api.get("/timeline", summary="Events between two actors, in either direction, oldest first")
    def timeline(
        a: Annotated[str, Query(min_length=1, max_length=100, description="country code (PAK), sector (PAK MIL) or name")],
        b: Annotated[str, Query(min_length=1, max_length=100)],
    ) -> dict[str, Any]:
        from rashomon import timeline as tl

        return tl.timeline_json(data.dyad_candidates(stores.get().conn, a, b), a, b)

    @api.get("/stats", summary="Counts and size of the store")
    def stats() -> dict[str, Any]:
        return stores.get().stats().to_dict()

    @api.post("/ingest", summary="Upload article files and ingest them (token required)", dependencies=[Depends(writer)])
    def ingest_upload(files: Annotated[list[UploadFile], File(description="article files, any format `ingest` reads")]) -> dict[str, Any]:
        with tempfile.TemporaryDirectory(prefix="rashomon-upload-") as tmp:
            for i, upload in enumerate(files):
                target = Path(tmp) / safe_upload_name(upload.filename, i)
                with target.open("wb") as out:
                    while chunk := upload.file.read(1 << 16):
                        out.write(chunk)
            return _ingest(stores, [tmp])

    @api.post("/ingest/paths", summary="Ingest files or folders on the server, inside its ingest root (token required)",
              dependencies=[Depends(writer)])  # fmt: skip
    def ingest_paths(body: PathList) -> dict[str, Any]:
        paths = [inside(settings.ingest_root, p) for p in body.paths]
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise HTTPException(status_code=404, detail=f"no such file: {missing[0]}")
        return _ingest(stores, paths)

    return api


def _ingest(stores: Stores, paths: list) -> dict[str, Any]:
    try:
        return stores.get().ingest(paths).to_dict()
    except StoreBusy as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from exc
