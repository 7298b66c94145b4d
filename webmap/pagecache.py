"""Rendered map pages kept in memory, each with its Content-Security-Policy.

The city map and a track page depend only on the pack (read once at start-up), the language,
the date, ``?tracks=all``, the audience and the approved proposals, so each is rendered once
per such key and then answered from memory: rendering a folium map costs tens of
milliseconds (bench/bench_pages.py). What the city map's overlays depend on (the approved
proposals) enters the key through ``maps.overlays.overlays_version``, so a decision shows at once.
"""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

import brotli
from flask import Flask, Response, current_app, request

from webmap.http import security
from webmap.maps.extras import memoize_element_names

EXTENSION = "ecomap.page_cache"
MAX_PAGES = 256  # a page is about 140 kB, and its compressed copies ~30 kB: at most ~45 MB per worker
ENCODINGS = {
    "br": lambda body: brotli.compress(body, quality=9),
    "gzip": lambda body: gzip.compress(body, compresslevel=9),
}


@dataclass
class Page:
    """A rendered page: its bytes, the policy that admits exactly its inline scripts, and its
    compressed copies, made on first demand."""

    body: bytes
    policy: str
    compressed: dict[str, bytes] = field(default_factory=dict)

    def encoded(self, encoding: str | None) -> bytes:
        if encoding is None:
            return self.body
        if encoding not in self.compressed:
            self.compressed[encoding] = ENCODINGS[encoding](self.body)
        return self.compressed[encoding]


class PageCache:
    """A bounded, thread-safe LRU map of page keys to rendered pages."""

    def __init__(self, max_pages: int = MAX_PAGES) -> None:
        self.max_pages = max_pages
        self._pages: OrderedDict[Hashable, Page] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Page | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: Hashable, page: Page) -> None:
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.max_pages:
                self._pages.popitem(last=False)

    def __len__(self) -> int:
        return len(self._pages)


def init_app(app: Flask) -> None:
    """Give the app its page cache (``PAGE_CACHE_SIZE`` pages, 0 turns it off); make rendering
    the pages that miss it cheaper (see memoize_element_names)."""
    app.extensions[EXTENSION] = PageCache(int(app.config.get("PAGE_CACHE_SIZE", MAX_PAGES)))
    memoize_element_names()


def page_policy(html: str) -> str:
    """The Content-Security-Policy of ``html``, as webmap.http.security would compute it per request."""
    hashes = list(dict.fromkeys(map(security.script_hash, security.inline_scripts(html))))
    frame_ancestors = current_app.config["FRAME_ANCESTORS"].strip() or "'self'"
    return security.content_security_policy(
        hashes, current_app.extensions[security.EXTENSION], frame_ancestors
    )


def cached_page(key: Hashable, render: Callable[[], str]) -> Response:
    """The page for ``key`` from the cache, rendered by ``render()`` the first time.

    ``key`` must hold everything the page depends on (the normalised arguments that matter, the
    proposals version, the host where the page names it), and nothing free-form: a query
    argument the page ignores must not make a new entry.
    """
    cache: PageCache = current_app.extensions[EXTENSION]
    page = cache.get(key) if cache.max_pages else None
    if page is None:
        html = render()
        page = Page(html.encode("utf-8"), page_policy(html))
        if cache.max_pages:
            cache.put(key, page)
    encoding = _accepted_encoding()
    body = page.encoded(encoding)
    # A one-item iterable: the page is already compressed and its policy already computed, so
    # neither Flask-Compress nor webmap.http.security needs to read the 140 kB body again.
    response = current_app.response_class(iter((body,)), mimetype="text/html")
    response.headers["Content-Length"] = str(len(body))
    response.headers["Content-Security-Policy"] = page.policy
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.vary.update(("Accept-Language", "Accept-Encoding"))
    return response


def _accepted_encoding() -> str | None:
    """Brotli, else gzip, if the client accepts it (quality above 0), else None."""
    accepted = request.accept_encodings
    return next((encoding for encoding in ENCODINGS if accepted[encoding] > 0), None)
