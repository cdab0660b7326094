"""``/schema``: the sync API's operations as a plain page that works under the app's CSP.

Litestar's default documentation pages load their scripts from public CDNs, which the
Content-Security-Policy refuses (and which mainland networks often block): the page stayed
blank. This one is server-rendered HTML with no script, and links the JSON schema.
"""

from __future__ import annotations

from html import escape
from typing import Any

from litestar import Request
from litestar.openapi.plugins import JsonRenderPlugin, OpenAPIRenderPlugin

from server.i18n import N_, gettext
from server.web import language_of

TEXTS = {
    "intro": N_("The sync API's operations. The full schema, for tools, is the JSON file:"),
    "operations": N_("Operations"),
}
METHODS = ("get", "post", "put", "patch", "delete")


class OperationsPage(OpenAPIRenderPlugin):
    """The operations list served at the schema's root."""

    def __init__(self) -> None:
        super().__init__(path="/")

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        """Title, a link to openapi.json, then each operation (method, path, summary)."""
        language = language_of(request)
        title = escape(openapi_schema.get("info", {}).get("title", ""))
        json_url = escape(f"{request.app.openapi_config.path}/openapi.json")
        rows = []
        for path, item in sorted(openapi_schema.get("paths", {}).items()):
            for method in METHODS:
                if method in item:
                    summary = escape(item[method].get("summary") or "")
                    rows.append(
                        f'<li class="row"><code>{method.upper()} {escape(path)}</code>'
                        f'<p class="muted">{summary}</p></li>'
                    )
        html = (
            f'<!doctype html><html lang="{"zh-CN" if language == "zh_CN" else "en"}">'
            '<meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{title}</title><link rel="stylesheet" href="/static/app.css"><main>'
            f"<h1>{title}</h1><p>{escape(gettext(language, TEXTS['intro']))} "
            f'<a href="{json_url}">openapi.json</a></p>'
            f"<h2>{escape(gettext(language, TEXTS['operations']))}</h2>"
            f'<ul class="list">{"".join(rows)}</ul></main></html>'
        )
        return html.encode()


def render_plugins() -> list[OpenAPIRenderPlugin]:
    """The page at ``/schema`` and the JSON at ``/schema/openapi.json``."""
    return [OperationsPage(), JsonRenderPlugin()]
