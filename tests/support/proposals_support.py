"""Shared pieces of the proposals tests: an app with proposals wired in, shapes on the sites, sign-in."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from webmap import create_app

SYSERT_PACK = Path(__file__).resolve().parent.parent.parent / "data" / "sysert"
SCHOOL = "school-yard-23"
RINK = "rink-cinema-plot"
XSS = "<img src=x onerror=alert(1)>"

# Inside the school yard (its mask runs about 60.8343-60.8361 E, 56.4964-56.4972 N).
SCHOOL_POINT = {"type": "Point", "coordinates": [60.8352, 56.4968]}
SCHOOL_LINE = {"type": "LineString", "coordinates": [[60.8348, 56.4967], [60.8356, 56.4968]]}
SCHOOL_POLYGON = {
    "type": "Polygon",
    "coordinates": [
        [[60.8350, 56.4967], [60.8354, 56.4967], [60.8354, 56.4969], [60.8350, 56.4969], [60.8350, 56.4967]]
    ],
}
RINK_POINT = {"type": "Point", "coordinates": [60.8302, 56.5068]}
OUTSIDE_POLYGON = {  # straddles the school yard's eastern edge
    "type": "Polygon",
    "coordinates": [
        [[60.8355, 56.4967], [60.8370, 56.4967], [60.8370, 56.4969], [60.8355, 56.4969], [60.8355, 56.4967]]
    ],
}
PROPERTIES = {
    "site": SCHOOL,
    "category": "bench",
    "title": "Bench from pallets",
    "materials": "pallets, paint",
    "description": "A long bench along the fence, in the shade.",
    "author": "fox23",
}


def feature(geometry: dict[str, Any] | None = None, **properties: Any) -> dict[str, Any]:
    """A valid proposal Feature; keyword arguments replace properties (None removes one)."""
    merged = {**PROPERTIES, **properties}
    merged = {key: value for key, value in merged.items() if value is not None}
    return {"type": "Feature", "properties": merged, "geometry": copy.deepcopy(geometry or SCHOOL_POLYGON)}


def make_app(tmp_path: Path, database_url: str | None = None, **config: Any):
    """The app on a database of its own, with proposals wired in whether or not the lead has yet."""
    settings = {
        "TESTING": True,
        "PACK": str(SYSERT_PACK),
        "TILES": "none",
        "DATABASE_URL": database_url or f"sqlite:///{tmp_path / 'ecomap.sqlite3'}",
        "RATE_LIMIT": "0",
        "SECRET_KEY": "test-secret",
        **config,
    }
    app = create_app(settings)
    if "proposals_api" not in app.blueprints:
        from webmap import proposals

        proposals.init_app(app)
    return app


def dispose(app) -> None:
    from webmap.proposals.db import EXTENSION

    app.extensions[EXTENSION].dispose()


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


def add_moderator(app, username: str = "teacher", password: str = "correct horse", sites=()) -> None:
    from webmap.proposals.db import get_db
    from webmap.proposals.store import create_moderator

    with app.app_context(), get_db().write() as session:
        create_moderator(session, username, password, sites)


def moderated_app(tmp_path: Path, **config: Any):
    """An app on a database of its own (``make_app``) with the default moderator signed up."""
    app = make_app(tmp_path, **config)
    add_moderator(app)
    return app


def login(client, username: str = "teacher", password: str = "correct horse"):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def submit(client, body: dict[str, Any] | None = None):
    return client.post("/api/proposals", json=body or feature())


def set_status(app, proposal_id: int, status: str, reason: str | None = None) -> None:
    from webmap.proposals.db import get_db
    from webmap.proposals.store import decide, get_proposal

    with app.app_context(), get_db().write() as session:
        decide(session, get_proposal(session, proposal_id), status, "test", reason)


def make_class(app, name: str = "5Б", size: int = 30) -> str:
    """A class code, created as a moderator would."""
    from webmap.proposals.classes_store import create_class
    from webmap.proposals.db import get_db

    with app.app_context(), get_db().write() as session:
        return create_class(session, name, size, "test")[1]


def join(client, code: str, nickname: str):
    """Join a class in this browser (test client) through the form."""
    token = csrf_token(client.get("/proposals/join?lang=en").get_data(as_text=True))
    return client.post(
        "/proposals/join?lang=en", data={"code": code, "nickname": nickname, "csrf_token": token}
    )


def vote(client, proposal_id: int, **headers: str):
    """Press the vote button of ``proposal_id`` in this browser."""
    token = csrf_token(client.get("/proposals/join").get_data(as_text=True))
    return client.post(f"/proposals/{proposal_id}/vote?lang=en", data={"csrf_token": token}, headers=headers)


# A sensible kit draft on the school yard (tests/test_layout_rules.py): part, metres east and north of
# the yard's centre, rotation.
KIT_DRAFT = (
    ("pallet-bench", 25, -10, 0),
    ("pallet-bench", 25, -6, 0),
    ("raised-bed", 35, -15, 0),
    ("raised-bed", 35, -10, 0),
    ("hopscotch", 15, -20, 0),
    ("log-balance-beam", -25, 10, 0),
    ("book-exchange", 30, 5, 0),
    ("planter-box", 38, 0, 90),
)


def placements(app, draft=KIT_DRAFT) -> list[dict[str, Any]]:
    """``draft`` as ``properties.parts`` of a proposal on the school yard."""
    from geo.crs import to_degrees
    from webmap.proposals.service import get_sites

    with app.app_context():
        site = get_sites()[SCHOOL]
    centre = site.mask_metric.centroid
    transformer = to_degrees(site.crs_metric)
    placed = []
    for part, east, north, rotation in draft:
        lon, lat = transformer.transform(centre.x + east, centre.y + north)
        placed.append({"part": part, "lon": lon, "lat": lat, "rotation_deg": rotation})
    return placed


def kit_feature(app, draft=KIT_DRAFT, **properties: Any) -> dict[str, Any]:
    """A proposal of kit parts on the school yard, without a freehand shape."""
    body = feature(**properties)
    body["geometry"] = None
    body["properties"]["parts"] = placements(app, draft)
    return body
