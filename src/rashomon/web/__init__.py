"""The local web app: browse stories, read sources side by side, follow actors over time.

`create_app(db_path, token=None)` builds the FastAPI application (HTML pages and a JSON API under
`/api`); `rashomon serve` runs it with uvicorn on 127.0.0.1. See docs/web.md.
"""

from rashomon.web.app import create_app

__all__ = ["create_app"]
