"""Links that leave the site (QR codes, GPX files, project boards): on ECOMAP_PUBLIC_URL when it is set,
else on the host the request came in on, and then the answer says ``Vary: Host`` so that no cache hands
one host's links to a request for another."""

from __future__ import annotations

from flask import Flask, Response, current_app, g, has_request_context, url_for

HOST_DEPENDENT = "ecomap_host_dependent"


def public_url(endpoint: str, **values) -> str:
    """An absolute URL of ``endpoint``: on ECOMAP_PUBLIC_URL, else on the request's host (the answer
    then varies by Host)."""
    base = current_app.config.get("PUBLIC_URL", "").strip().rstrip("/")
    if base:
        return base + url_for(endpoint, **values)
    varies_by_host()
    return url_for(endpoint, _external=True, **values)


def varies_by_host() -> None:
    """This request's answer names the request's host unless ECOMAP_PUBLIC_URL is set: ``Vary: Host``.

    A view whose answer comes from its own cache calls it itself, since ``public_url`` ran only on a miss.
    """
    if has_request_context() and not current_app.config.get("PUBLIC_URL", "").strip():
        g.setdefault(HOST_DEPENDENT, True)


def _vary_by_host(response: Response) -> Response:
    if g.get(HOST_DEPENDENT):
        response.vary.add("Host")
    return response


def init_app(app: Flask) -> None:
    app.after_request(_vary_by_host)
