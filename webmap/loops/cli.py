"""The ``ecomap suggest-tracks`` command: draft tracks of each audience's step goal for a new town."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from geo.errors import PackError
from geo.osm import OsmImportError
from geo.pack import load_pack
from routes.audiences import load_audiences
from routes.network import build_network
from routes.suggest import DRAFTS_DIR, central_places, given_places, suggest, write_drafts


def register(cli_group: click.Group) -> None:
    """Add ``suggest-tracks`` to the ``ecomap`` command group."""
    cli_group.add_command(suggest_tracks)


def _point(text: str) -> tuple[float, float]:
    try:
        lon, lat = (float(part) for part in text.split(","))
    except ValueError:
        raise click.BadParameter(f"{text!r} is not LON,LAT in degrees", param_hint="--at") from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise click.BadParameter(f"{text!r} is not a place on Earth (LON,LAT)", param_hint="--at")
    return lon, lat


@click.command("suggest-tracks")
@click.option("--pack", "pack_path", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--at", "points", multiple=True, metavar="LON,LAT", help="A start to try (repeatable).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help=f"Folder for the drafts (default: PACK/{DRAFTS_DIR}, which the site does not publish).",
)
def suggest_tracks(pack_path: Path, points: tuple[str, ...], out: Path | None) -> None:
    """Propose, for each audience, a loop of its daily step goal from the town's central places.

    The places are the pack's OpenStreetMap town centres, stations and town hall (or
    the centre of city.toml), or the points given with --at. Each draft is a track
    file to review, edit and move to PACK/tracks/ to publish.
    """
    places = given_places([_point(text) for text in points])
    try:
        pack = load_pack(pack_path)
        audiences, problems = load_audiences(pack_path)
        if problems:
            raise click.ClickException(f"{pack_path}/{problems[0]}")
        network = build_network(pack)
    except (PackError, OsmImportError, ValueError) as error:
        click.echo(f"suggest-tracks: {error}", err=True)
        sys.exit(1)
    places = places or central_places(pack)
    drafts = suggest(pack, network, audiences, places, dt.date.today())
    paths = write_drafts(drafts, out or pack_path / DRAFTS_DIR)
    for draft in drafts:
        if draft.walk is None or draft.place is None:  # a Draft has both or neither
            click.echo(f"{draft.audience_id}: no draft ({draft.reason})", err=True)
            continue
        walk, place = draft.walk, draft.place
        click.echo(
            f"{draft.audience_id}: {draft.track_id}.geojson, {walk.steps_count:,} steps, "
            f"{walk.length_m / 1000:.2f} km, {walk.green_share:.0%} green, "
            f"{walk.repeated_share:.0%} repeated, from {place.name['en']} ({place.origin})"
        )
    if not paths:
        sys.exit(1)
    click.echo(
        f"{len(paths)} draft(s) in {out or pack_path / DRAFTS_DIR}: review them, then move them to tracks/."
    )
