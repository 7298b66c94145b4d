"""The proposals API: sites, submitting a proposal, and listing proposals as GeoJSON or CSV."""

from __future__ import annotations

import functools
import hashlib
import json
import math
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, request, url_for
from shapely.geometry import mapping

from geo.bill import bill_as_dict
from geo.crs import in_degrees
from geo.kit import Part
from geo.layout_rules import layout_problem_as_dict
from geo.sites import Site, sites_collection
from webmap.http.errors import ApiError
from webmap.http.i18n import select_language
from webmap.http.params import decimal, lone_surrogate
from webmap.proposals.auth import api_moderator
from webmap.proposals.db import get_db
from webmap.proposals.errors import InvalidProposal
from webmap.proposals.kit_texts import bill_for_people, kit_listing
from webmap.proposals.messages import plain_rule
from webmap.proposals.models import STATUSES
from webmap.proposals.parts import Judgement, problem_details, problem_field
from webmap.proposals.service import accepted_only, get_kit, get_sites, rate_limited
from webmap.proposals.store import Filters, add_proposal, find_proposals, to_collection, to_csv, to_feature
from webmap.proposals.store import vote_counts as count_votes
from webmap.proposals.validation import (
    CATEGORIES,
    MAX_BODY_BYTES,
    MAX_DEPTH,
    check_depth,
    check_design,
    check_feature,
)

bp = Blueprint("proposals_api", __name__, url_prefix="/api")
GEOJSON = "application/geo+json"


@bp.get("/sites")
def list_sites():
    """The sites that take proposals, as a GeoJSON FeatureCollection (feature ``id`` = site id)."""
    return sites_collection(get_sites(), select_language()), 200, {"Content-Type": GEOJSON}


@bp.post("/proposals")
def create_proposal():
    """Check and store a proposal (a GeoJSON Feature); 201 with its id, private link and bill."""
    with rate_limited("submit", deduct_when=accepted_only):
        draft = check_feature(json_body(), get_sites(), get_kit())
        with get_db().write() as session:
            proposal = add_proposal(session, draft)
    link = url_for("proposals_pages.private", token=proposal.token, _external=True)
    bill = bill_for_people(draft.bill, get_kit(), select_language())
    body = {"id": proposal.id, "status": proposal.status, "url": link, "bill": bill}
    return body, 201, {"Location": link}


@bp.get("/kit")
def kit():
    """The kit of parts a site's proposals are built from, in the request's language, with its rules."""
    site_id = request.args.get("site") or ""
    site = get_sites().get(site_id)
    if site is None:
        raise ApiError(404, f"unknown site {site_id[:60]!r}; GET /api/sites lists them", field="site")
    kit_of_parts = get_kit()
    if kit_of_parts is None:
        raise ApiError(404, "this city pack has no kit of parts (kit.toml)", field="site")
    return kit_listing(site, kit_of_parts, select_language(), _icon_url)


@bp.get("/kit/<part_id>.svg")
def kit_icon(part_id: str):
    """A part's icon, an SVG from the pack (checked at start: no scripts, no outside references)."""
    kit_of_parts = get_kit()
    part = kit_of_parts.parts.get(part_id) if kit_of_parts else None
    if part is None:
        raise ApiError(404, f"no part {part_id[:60]!r} in the kit", field="part")
    response = Response(part.icon.read_bytes(), mimetype="image/svg+xml")
    versioned = request.args.get("v") == _file_version(part.icon)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable" if versioned else "no-cache"
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


def _icon_url(part: Part) -> str:
    return url_for("proposals_api.kit_icon", part_id=part.id, v=_file_version(part.icon))


@functools.lru_cache(maxsize=256)
def _file_version(path: Path) -> str:
    """A short hash of a file's bytes: its URL changes when it does, so it may be cached for a year."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


@bp.post("/proposals/check")
def check_proposal():
    """Check a draft being designed, store nothing: the rules' problems, the bill, the parts placed."""
    design, judgement = check_design(json_body(), get_sites(), get_kit())
    lang = select_language()
    if judgement is None:
        return {"ok": True, "problems": [], "bill": None, "placed": []}
    return {
        "ok": not judgement.problems,
        "problems": _problems(judgement, design.site),
        "bill": bill_for_people(bill_as_dict(judgement.bill), get_kit(), lang),
        "placed": _placed(judgement, design.site.crs_metric),
    }


def _problems(judgement: Judgement, site: Site) -> list[dict[str, Any]]:
    """Each verdict as geo/layout_rules.py gives it, with its field, part ids and plain message."""
    return [
        {
            **layout_problem_as_dict(problem, site.crs_metric),
            "field": problem_field(problem),
            "part_ids": [judgement.placed[index].part.id for index in problem.parts],
            "message": plain_rule(**problem_details(problem, judgement.placed, site)),
        }
        for problem in judgement.problems
    ]


def _placed(judgement: Judgement, crs_metric: str) -> list[dict[str, Any]]:
    return [
        {
            "index": placed.index,
            "part": placed.part.id,
            "footprint": mapping(in_degrees(placed.footprint, crs_metric)),
            "clear_zone": mapping(in_degrees(placed.clear_zone, crs_metric)),
        }
        for placed in judgement.placed
    ]


@bp.get("/proposals")
def list_proposals():
    """Approved proposals as GeoJSON by ``site``, ``category``, ``bbox``; ``status`` is for moderators."""
    return to_collection(_features()), 200, {"Content-Type": GEOJSON}


@bp.get("/proposals.csv")
def list_proposals_csv():
    """The same proposals as ``GET /api/proposals``, as CSV for spreadsheets."""
    headers = {"Content-Disposition": "attachment; filename=proposals.csv"}
    return Response(to_csv(_features()), content_type="text/csv; charset=utf-8", headers=headers)


def _features() -> list[dict[str, Any]]:
    filters = parse_filters(request.args.to_dict(), list(get_sites()), CATEGORIES)
    moderation = filters.statuses != ("approved",)
    if moderation:
        filters = _moderator_scope(filters)
    with get_db().read() as session:
        proposals = find_proposals(session, filters)
        votes = count_votes(session, [proposal.id for proposal in proposals])
    return [to_feature(proposal, votes[proposal.id], moderation) for proposal in proposals]


def _moderator_scope(filters: Filters) -> Filters:
    """Non-public statuses: a moderator's own sites only; 401 anonymous, 403 for another's site."""
    moderator = api_moderator("proposals that are not approved")
    allowed = tuple(site for site in (filters.sites or get_sites()) if moderator.may_moderate(site))
    if filters.sites and not allowed:
        raise ApiError(
            403, f"moderator {moderator.username!r} does not moderate site {filters.sites[0]!r}", "site"
        )
    return Filters(filters.statuses, allowed, filters.category, filters.bbox)


def parse_filters(args: dict[str, str], sites: list[str], categories: tuple[str, ...]) -> Filters:
    """The ``site``, ``category``, ``bbox`` and ``status`` query arguments, or a 400 naming the bad one.

    >>> parse_filters({"bbox": "60.8,56.4,60.9,56.5"}, ["s"], ("bench",)).bbox
    (60.8, 56.4, 60.9, 56.5)
    """
    site, category = args.get("site") or None, args.get("category") or None
    if site is not None and site not in sites:
        raise ApiError(400, f"unknown site {site!r}; GET /api/sites lists them", field="site")
    if category is not None and category not in categories:
        raise ApiError(
            400, f"unknown category {category!r}; one of: {', '.join(categories)}", field="category"
        )
    statuses = _statuses(args.get("status") or "approved")
    bbox = _bbox(args["bbox"]) if args.get("bbox") else None
    return Filters(statuses, (site,) if site else None, category, bbox)


def _statuses(text: str) -> tuple[str, ...]:
    statuses = tuple(dict.fromkeys(text.split(",")))
    if "all" in statuses:
        return STATUSES
    unknown = [status for status in statuses if status not in STATUSES]
    if unknown:
        raise ApiError(
            400, f"unknown status {unknown[0]!r}; one of: {', '.join(STATUSES)}, all", field="status"
        )
    return statuses


def _bbox(text: str) -> tuple[float, float, float, float]:
    problem = f"'bbox' must be west,south,east,north in degrees (west <= east, south <= north), got {text!r}"
    try:
        west, south, east, north = (decimal(part) for part in text.split(","))
    except ValueError:
        raise ApiError(400, problem, field="bbox") from None
    values = (west, south, east, north)
    in_range = all(math.isfinite(value) for value in values) and -180 <= west <= east <= 180
    if not (in_range and -90 <= south <= north <= 90):
        raise ApiError(400, problem, field="bbox")
    return values


def json_body() -> Any:
    """The request's JSON, or 413 (too big), 415 (not JSON) or 400 (malformed, too deep) as ApiError."""
    if request.mimetype != "application/json":
        got = request.mimetype or "none"
        raise ApiError(415, f"the body must be JSON sent as Content-Type application/json, got {got}", "body")
    data = read_body(MAX_BODY_BYTES)
    try:
        body = json.loads(data)
    except RecursionError:
        message = f"the body nests too deeply: over {MAX_DEPTH} levels of arrays or objects"
        raise ApiError(400, message, field="body") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise ApiError(400, f"the body is not valid JSON: {error}", field="body") from None
    check_depth(body)
    if surrogate := lone_surrogate(body):
        place, code_point = surrogate
        message = f"{place} holds a lone surrogate {code_point}, which is not a character"
        name = place.removeprefix("properties.")
        raise InvalidProposal(place, message, code="hidden_character", name=name, character=code_point)
    return body


def read_body(limit: int) -> bytes:
    """The raw body, or 413 if it is over ``limit`` bytes, whether its length was declared or it came chunked.

    Werkzeug's own limit on a chunked stream stops reading at the limit without an error, so the
    stream is read here up to ``limit + 1`` bytes: getting that many means the body is too big.
    """
    too_big = ApiError(413, f"the body is over the {limit} byte limit", field="body")
    declared = request.content_length
    if declared is not None and declared > limit:
        raise too_big
    request.max_content_length = None  # enforced below, chunked bodies included
    stream, chunks, size = request.stream, [], 0
    while size <= limit:
        chunk = stream.read(limit + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise too_big
    return b"".join(chunks)
