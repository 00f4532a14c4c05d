"""The web app's defences, each small enough to read in one go.

- Every response carries a Content-Security-Policy that allows scripts and styles from this
  origin only (no inline script can run, even if some article text slipped through unescaped),
  forbids framing (`frame-ancestors 'none'`), plus `X-Content-Type-Options: nosniff`.
- Request bodies are capped (`BodyLimit`): a Content-Length over the cap is refused before
  anything is read, and a body that streams past it is cut off with 413.
- Writes need the token (`require_token`), compared in constant time; without a configured token
  writes are disabled altogether.
- Paths given to the ingest route must resolve (symlinks followed) inside the allowed root.
"""

from __future__ import annotations

import hmac
import json
from pathlib import Path

from fastapi import HTTPException, Request

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'")
# The dyad chart is an SVG styled with presentation attributes only (no <style>, no script, no
# external reference): its own policy allows nothing at all, even when it is opened directly.
SVG_CSP = "default-src 'none'; frame-ancestors 'none'"
HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}
TOKEN_HEADER = "x-rashomon-token"


class SecurityHeaders:
    """ASGI middleware: add the security headers to every HTTP response (a route may set its own
    Content-Security-Policy, which is then kept)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.decode("latin-1").lower() for k, _ in headers}
                if "content-security-policy" not in present:
                    headers.append((b"content-security-policy", CSP.encode()))
                headers.extend((k.encode(), v.encode()) for k, v in HEADERS.items() if k not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=f"request body larger than the limit of {limit} bytes")


class BodyLimit:
    """ASGI middleware: refuse request bodies over `limit` bytes with 413."""

    def __init__(self, app, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(send)
            return
        received = 0
        started = False

        async def counting_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        async def tracking_send(message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(send)

    async def _refuse(self, send) -> None:
        body = json.dumps({"detail": f"request body larger than the limit of {self.limit} bytes"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})  # fmt: skip
        await send({"type": "http.response.body", "body": body})


def token_from(request: Request) -> str | None:
    """The token a client sent: `Authorization: Bearer T` or `X-Rashomon-Token: T`."""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.headers.get(TOKEN_HEADER)


def check_token(expected: str | None, given: str | None) -> None:
    """Raise 403 when writes are disabled (no token configured), 401 when the token is missing or
    wrong. Constant-time comparison: the answer's timing says nothing about the token."""
    if not expected:
        raise HTTPException(status_code=403, detail="writes are disabled: start the server with --token or RASHOMON_TOKEN")
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(status_code=401, detail="a valid token is required for writes",
                            headers={"WWW-Authenticate": "Bearer"})


def inside(root: Path, candidate: str) -> Path:
    """`candidate` (a path or a file:// URL) resolved, symlinks followed; 403 unless it lies
    inside `root`. `..`, absolute paths elsewhere and symlinks pointing out are all refused."""
    text = candidate[len("file://"):] if candidate.startswith("file://") else candidate
    if "\x00" in text:
        raise HTTPException(status_code=400, detail="path contains a NUL byte")
    base = root.resolve()
    path = (base / text).resolve()
    if not path.is_relative_to(base):
        raise HTTPException(status_code=403, detail=f"{candidate!r} is outside the ingest root")
    return path


def safe_upload_name(name: str | None, index: int) -> str:
    """A file name to store an upload under: its last path component with only safe characters,
    never empty, never `.`/`..` — the client's name cannot place a file anywhere."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    clean = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in base).lstrip(".")
    return f"{index:04d}_{clean or 'upload'}"[:120]
