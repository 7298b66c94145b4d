"""Feedback and revisions in the API: the author's view and new versions by the private token, and the
moderators' comments and view by proposal id.

The private token is the author's credential, as on the private page: whoever has the link may read
the feedback and send a revision. A revision is a whole new body, as for ``POST /api/proposals``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, url_for

from webmap.http.errors import ApiError
from webmap.http.i18n import select_language
from webmap.proposals.api import json_body
from webmap.proposals.auth import api_moderator
from webmap.proposals.db import get_db
from webmap.proposals.errors import InvalidProposal
from webmap.proposals.kit_texts import bill_for_people, changes_for_people
from webmap.proposals.models import Proposal, ProposalComment, ProposalVersion
from webmap.proposals.revisions import (
    MAX_ID,
    add_comment,
    changes,
    check_comment,
    columns,
    comments_of,
    revise,
    versions_of,
)
from webmap.proposals.service import accepted_only, get_kit, get_sites, rate_limited
from webmap.proposals.store import get_by_token, get_proposal, to_feature
from webmap.proposals.validation import check_feature

bp = Blueprint("proposals_revisions", __name__, url_prefix="/api/proposals")
NO_LINK = "no proposal at this private link"


@bp.get("/by-token/<token>")
def by_token(token: str):
    """The author's proposal with its versions (what changed in each) and the moderators' comments."""
    with get_db().read() as session:
        proposal = get_by_token(session, token)
        if proposal is None:
            raise ApiError(404, NO_LINK, field="token")
        return history(session, proposal, moderation=False)


@bp.post("/by-token/<token>/versions")
def add_revision(token: str):
    """A new version of the author's pending proposal: 201 with its number and what changed."""
    with rate_limited("submit", deduct_when=accepted_only):
        body = json_body()
        with get_db().write() as session:
            proposal = get_by_token(session, token)
            if proposal is None:
                raise ApiError(404, NO_LINK, field="token")
            _same_site(body, proposal.site)
            draft = check_feature(body, get_sites(), get_kit())
            before = columns(proposal)
            version = revise(session, proposal, draft)
            answer = {
                "id": proposal.id,
                "version": version.number,
                "status": proposal.status,
                "url": url_for("proposals_pages.private", token=token, _external=True),
                "bill": bill_for_people(draft.bill, get_kit(), select_language()),
                "changes": changes_for_people(
                    changes(before, columns(version)).as_dict(), get_kit(), select_language()
                ),
            }
    return answer, 201


def _same_site(body: Any, site: str) -> None:
    """A revision names its proposal's site (or none, and check_feature says so): 422 otherwise."""
    properties = body.get("properties") if isinstance(body, dict) else None
    named = properties.get("site") if isinstance(properties, dict) else None
    if isinstance(named, str) and named != site:
        message = f"a revision stays on its proposal's site {site!r}, got {named[:60]!r}"
        raise InvalidProposal("properties.site", message, code="other_site", site=site)


@bp.get("/<int:proposal_id>/versions")
def moderation_history(proposal_id: int):
    """A moderator's view of a proposal of their sites: its versions and comments."""
    moderator = api_moderator("a proposal's versions")
    with get_db().read() as session:
        proposal = _moderated(session, proposal_id, moderator)
        return history(session, proposal, moderation=True)


@bp.post("/<int:proposal_id>/comments")
def comment(proposal_id: int):
    """A moderator's comment on a pending proposal: ``text``, and ``lon``/``lat`` to pin it on the map."""
    moderator = api_moderator("comments")
    body = json_body()
    if not isinstance(body, dict):
        raise ApiError(400, "the body must be a JSON object with 'text' (and 'lon', 'lat')", field="body")
    unknown = sorted(set(body) - {"text", "lon", "lat"})
    if unknown:
        raise ApiError(
            422, f"unknown member {unknown[0][:40]!r}; a comment has text, lon, lat", unknown[0][:40]
        )
    with get_db().write() as session:
        proposal = _moderated(session, proposal_id, moderator)
        text, lon, lat = check_comment(
            body.get("text"), body.get("lon"), body.get("lat"), get_sites().get(proposal.site)
        )
        made = add_comment(session, proposal, moderator.username, text, lon, lat)
        return comment_as_dict(made), 201


def _moderated(session, proposal_id: int, moderator) -> Proposal:
    proposal = get_proposal(session, proposal_id) if proposal_id <= MAX_ID else None
    if proposal is None:
        raise ApiError(404, f"no proposal {proposal_id}", field="proposal_id")
    if not moderator.may_moderate(proposal.site):
        raise ApiError(
            403, f"moderator {moderator.username!r} does not moderate site {proposal.site!r}", "site"
        )
    return proposal


def history(session, proposal: Proposal, moderation: bool) -> dict[str, Any]:
    """A proposal (latest version), each version with what changed from the one before, the comments."""
    lang, kit = select_language(), get_kit()
    versions = versions_of(session, proposal.id)
    listed = []
    for index, version in enumerate(versions):
        changed = None
        if index:
            changed = changes(columns(versions[index - 1]), columns(version)).as_dict()
        listed.append(version_as_dict(version, changes_for_people(changed, kit, lang) if changed else None))
    comments = comments_of(session, [proposal.id])[proposal.id]
    return {
        "proposal": to_feature(proposal, moderation=moderation),
        "version": versions[-1].number if versions else 1,
        "versions": listed,
        "comments": [comment_as_dict(item) for item in comments],
    }


def version_as_dict(version: ProposalVersion, changed: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "number": version.number,
        "created_at": version.created_at.isoformat(timespec="seconds"),
        "title": version.title,
        "parts": version.parts or [],
        "season": version.season,
        "total_rub": version.bill["total_rub"] if version.bill else None,
        "changes": changed,
    }


def comment_as_dict(comment: ProposalComment) -> dict[str, Any]:
    point = None if comment.lon is None else {"type": "Point", "coordinates": [comment.lon, comment.lat]}
    return {
        "id": comment.id,
        "version": comment.version,
        "moderator": comment.moderator,
        "text": comment.text,
        "point": point,
        "created_at": comment.created_at.isoformat(timespec="seconds"),
    }
