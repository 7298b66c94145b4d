"""Tactical-urbanism proposals: wire storage, sign-in, rate limits, the API and the pages into an app."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from flask import Flask

if TYPE_CHECKING:
    from geo.pack import CityPack


def init_app(app: Flask) -> None:
    """Set up proposals on ``app``: settings, cookies, sites, database, limiter, blueprints, API part.

    The feature's modules are imported here, not on import of the package, so that importing
    ``geo.sites`` alone (gunicorn's start-up check) stays light; none of them imports
    this package back.
    """
    from webmap.http.errors import add_domain_error
    from webmap.http.openapi import add_api_part
    from webmap.maps.overlays import add_city_map_overlays
    from webmap.proposals import (
        api,
        api_description,
        auth,
        ballots_api,
        moderation,
        pages,
        revisions_api,
        service,
    )
    from webmap.proposals.errors import (
        AlreadyDecided,
        BallotRefused,
        BoardUnavailable,
        InvalidComment,
        InvalidProposal,
        JoinRefused,
        NotDecided,
        NotPending,
    )
    from webmap.proposals.kit_texts import bill_summary
    from webmap.proposals.messages import ballot_words, comment_words, proposal_words
    from webmap.proposals.overlay import city_map_overlays, proposals_version

    service.init_app(app)
    for blueprint in (api.bp, revisions_api.bp, ballots_api.bp, pages.bp, moderation.bp, auth.bp):
        app.register_blueprint(blueprint)
    add_domain_error(app, InvalidProposal, proposal_words)
    add_domain_error(app, InvalidComment, comment_words)
    add_domain_error(app, BallotRefused, ballot_words)
    for kind in (AlreadyDecided, NotDecided, NotPending, JoinRefused, BoardUnavailable):
        add_domain_error(app, kind)
    add_city_map_overlays(app, city_map_overlays, proposals_version)
    add_api_part(app, "proposals", api_description.describe)
    app.add_template_filter(people_bill)
    app.add_template_filter(bill_summary)


def people_bill(bill: dict | None) -> dict | None:
    """Templates' ``{{ proposal.bill | people_bill }}``: a stored bill named in the reader's language."""
    from webmap.http.i18n import select_language
    from webmap.proposals.kit_texts import bill_for_people
    from webmap.proposals.service import get_kit

    return bill_for_people(bill, get_kit(), select_language())


def register_commands(cli_group: click.Group) -> None:
    """Add this feature's ``ecomap`` commands: create-moderator and proposals (moderation, class codes)."""
    from webmap.proposals import class_code_cli, cli

    cli.register(cli_group)
    class_code_cli.register(cli.proposals_group)


def check_pack(pack: CityPack) -> None:
    """Load the kit (``kit.toml``) and the proposal sites (``sites.toml``) as the app will; KitError or
    SitesError if one is broken."""
    from geo.kit import load_kit
    from geo.sites import load_sites

    load_sites(pack, load_kit(pack.path))
