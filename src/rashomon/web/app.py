"""`create_app`: the FastAPI application, its middleware and error pages."""

from __future__ import annotations

import os
import threading
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from rashomon import __version__
from rashomon.store import NotFound, Store
from rashomon.web import api, cached, pages
from rashomon.web.context import MAX_UPLOAD, Memo, Settings, Stores, templates
from rashomon.web.security import BodyLimit, SecurityHeaders

LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]", "::1"]


def create_app(
    db_path: str | os.PathLike,
    token: str | None = None,
    *,
    max_upload: int = MAX_UPLOAD,
    ingest_root: str | os.PathLike | None = None,
    allowed_hosts: list[str] | None = None,
) -> FastAPI:
    """The web app over the store at `db_path`.

    Reads are open; writes (`POST /api/ingest...`) need `token` (none: writes disabled).
    `max_upload` caps a request body in bytes. `ingest_root` is the folder whose files
    `POST /api/ingest/paths` may read (default: the current directory). `allowed_hosts` are the
    Host headers answered (default: the loopback names), which stops DNS-rebinding pages from
    reading a local store.
    """
    settings = Settings(str(db_path), token or None, max_upload, Path(ingest_root or Path.cwd()).resolve())
    Store(settings.db_path).close()  # fail now, not on the first request, if the file is not a store
    stores = Stores(settings.db_path)
    memo = Memo(stores)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        threading.Thread(target=_warm, args=(stores, memo), name="rashomon-warm", daemon=True).start()
        yield
        stores.close()

    app = FastAPI(title="rashomon", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Stories, sources, facts and events from the rashomon store. Reads are open; "
                              "writes need the token (`Authorization: Bearer TOKEN` or `X-Rashomon-Token`).")  # fmt: skip
    app.state.settings = settings
    app.state.stores = stores
    app.state.memo = memo
    app.include_router(api.router(settings, stores, memo))
    app.include_router(pages.router(settings, stores, app, memo))

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return await _http_error(request, StarletteHTTPException(404, str(exc)))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return await _http_error(request, exc)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            return await request_validation_exception_handler(request, exc)
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors())
        return _error_page(422, "That request cannot be answered", problems)

    app.add_middleware(BodyLimit, limit=max_upload)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts or LOCAL_HOSTS)
    app.add_middleware(SecurityHeaders)  # outermost: every answer carries the headers, errors too
    return app


def _warm(stores: Stores, memo: Memo) -> None:
    """Right after start, off the request path: open the store and load the entity summary's
    pages into SQLite's cache, and start the chart engine, so the first reader does not pay for a
    cold file or the engine's start (about half a second)."""
    from rashomon import timeline_chart

    for warm in (lambda: cached.entity_listing(stores, memo, None, None), timeline_chart.warm_up):
        try:
            warm()
        except Exception:  # noqa: BLE001 - warming is an optimisation; the request path reports errors
            pass


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api") or request.url.path == "/openapi.json"


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    if _wants_json(request):
        return await http_exception_handler(request, exc)
    titles = {404: "Not found", 401: "Token required", 403: "Forbidden", 413: "Too large"}
    return _error_page(exc.status_code, titles.get(exc.status_code, "Error"), str(exc.detail))


def _error_page(status: int, title: str, detail: str) -> HTMLResponse:
    html = templates().get_template("error.html.j2").render(title=title, detail=detail, status=status)
    return HTMLResponse(html, status_code=status)
