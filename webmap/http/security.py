"""Security headers on every response: a Content-Security-Policy that admits each page's own inline
scripts by hash, our origin and the tile host only, and ``nosniff``, ``Referrer-Policy``, framing;
``Strict-Transport-Security`` behind HTTPS (ECOMAP_SECURE_COOKIES=1)."""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import urlsplit

from flask import Flask, Response

from webmap.maps.popups import render_folium_verbatim
from webmap.pack_access import get_tiles

# The HTML tokenizer ends a script at the first "</script" followed by whitespace, "/" or ">".
INLINE_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script[\t\n\f\r />]", re.IGNORECASE | re.DOTALL)
SRC_ATTRIBUTE = re.compile(r"(?:^|\s)src\s*=", re.IGNORECASE)
REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = {"'self'": "SAMEORIGIN", "'none'": "DENY"}
EXTENSION = "ecomap.csp"
# Behind HTTPS (ECOMAP_SECURE_COOKIES=1): browsers come back over HTTPS only, for a year. No
# includeSubDomains: the city's other hosts are not ours to bind.
HSTS = "max-age=31536000"


def inline_scripts(html: str) -> list[str]:
    """The text of every ``<script>`` without ``src`` in ``html``, as the browser hashes it.

    >>> inline_scripts('<script src="/a.js"></script><script>go(1)</script><SCRIPT type="x">2</script >')
    ['go(1)', '2']
    """
    return [
        text.replace("\r\n", "\n").replace("\r", "\n")
        for attributes, text in INLINE_SCRIPT.findall(html)
        if not SRC_ATTRIBUTE.search(attributes)
    ]


def script_hash(text: str) -> str:
    """The CSP source expression that admits an inline script with exactly this text.

    >>> script_hash("alert(1)")
    "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"
    """
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def tile_source(url_template: str | None) -> str:
    """The CSP source of a tile URL template: its scheme and host, a ``{s}`` subdomain as ``*``.

    >>> tile_source("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png")
    'https://*.tile.openstreetmap.org'
    >>> tile_source(None)
    ''
    """
    if not url_template:
        return ""
    parts = urlsplit(url_template)
    labels = parts.netloc.split(".")
    if not parts.scheme or not parts.netloc or any("{" in label for label in labels[1:]):
        raise ValueError(
            f"tile URL {url_template!r} needs a scheme and a host whose only placeholder "
            "is in its first label, such as https://{s}.tile.example.org/{z}/{x}/{y}.png"
        )
    host = ".".join(["*" if "{" in labels[0] else labels[0], *labels[1:]])
    return f"{parts.scheme}://{host}"


def content_security_policy(script_hashes: list[str], tiles: str, frame_ancestors: str) -> str:
    """The policy: our own origin for everything, the tile host for images, inline scripts by hash.

    Styles keep 'unsafe-inline': folium's and Leaflet's markup carries style attributes, which only
    'unsafe-inline' admits in every browser (docs/security.md says why in full).

    >>> content_security_policy(["'sha256-x'"], "https://t.example", "'self'")[:58]
    "default-src 'self'; script-src 'self' 'sha256-x'; style-sr"
    """
    directives = {
        "default-src": "'self'",
        "script-src": " ".join(["'self'", *script_hashes]),
        "style-src": "'self' 'unsafe-inline'",
        "img-src": " ".join(filter(None, ["'self'", "data:", tiles])),
        "font-src": "'self' data:",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": frame_ancestors,
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def init_app(app: Flask) -> None:
    """Add the headers to every response; the tile host is read once, from the app's tile setting.

    Maps' text is never run as a template either (see render_folium_verbatim).
    """
    render_folium_verbatim()
    with app.app_context():
        app.extensions[EXTENSION] = tile_source(get_tiles().url)
    frame_ancestors = app.config["FRAME_ANCESTORS"].strip() or "'self'"
    secure = str(app.config.get("SECURE_COOKIES", "0")).strip().lower() in ("1", "true", "yes")

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        hashes = []
        if response.mimetype == "text/html" and not response.is_streamed and not response.direct_passthrough:
            hashes = list(dict.fromkeys(map(script_hash, inline_scripts(response.get_data(as_text=True)))))
        policy = content_security_policy(hashes, app.extensions[EXTENSION], frame_ancestors)
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", REFERRER_POLICY)
        if frame_ancestors in X_FRAME_OPTIONS:
            headers.setdefault("X-Frame-Options", X_FRAME_OPTIONS[frame_ancestors])
        if secure:
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response
