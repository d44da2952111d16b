"""The app's own HTTP route: a kept original PDF, by doc id, for "open the PDF at this page" (login as Gradio's)."""

# No `from __future__ import annotations`: FastAPI reads the handler's annotations (Request) at runtime.
import logging
from typing import Callable
from urllib.parse import quote

from boardqa.pageview import PDF_ROUTE

log = logging.getLogger(__name__)

Finder = Callable[[str], "tuple[object, str] | None"]


def signed_in(app, request) -> bool:
    """True when the app has no password, or the request carries the session cookie Gradio set at login."""
    if getattr(app, "auth", None) is None and getattr(app, "auth_dependency", None) is None:
        return True
    cookie_id = getattr(app, "cookie_id", "")
    token = request.cookies.get(f"access-token-{cookie_id}") or request.cookies.get(
        f"access-token-unsecure-{cookie_id}")
    return bool(token) and app.tokens.get(token) is not None


def add_pdf_route(app, find: Finder) -> None:
    """Serve `GET /boardqa/pdf/<doc id>`: the original PDF kept for that doc id, inline, or 404.

    The doc id is only ever used to look up a hash prefix among the kept originals (see
    `boardqa.originals.find`), so no request can name a path; the response is the file as kept.
    """
    from fastapi import HTTPException, Request
    from fastapi.responses import FileResponse

    async def pdf(doc_id: str, request: Request):
        if not signed_in(app, request):
            raise HTTPException(status_code=401, detail="Not authenticated: sign in to the app first")
        found = find(doc_id)
        if found is None:
            raise HTTPException(status_code=404, detail="No such PDF in the library")
        path, _ = found
        name = doc_id.rpartition("@")[0] or "paper.pdf"
        headers = {"Content-Disposition": f"inline; filename*=UTF-8''{quote(name)}",
                   "X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600"}
        return FileResponse(path, media_type="application/pdf", headers=headers)

    app.add_api_route(PDF_ROUTE + "{doc_id}", pdf, methods=["GET"], include_in_schema=False)
