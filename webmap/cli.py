"""The ``ecomap`` command: Flask's CLI over the app factory, plus our own commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import FlaskGroup

from geo.errors import PackError, SitesError
from geo.kit import check_kit
from geo.measure import summarize_layer
from geo.pack import check_pack, load_pack
from geo.sites import check_sites
from routes import check_tracks
from routes.catalog import load_catalog
from routes.suggest import check_drafts
from webmap import features, serve_cli
from webmap.settings import read_settings


def _create_app():
    from webmap import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, load_dotenv=False)
def cli() -> None:
    """ecomap: eco-routes and urban projects on the city map."""


@cli.command("check-data", with_appcontext=False)
@click.argument("pack", required=False, type=click.Path(path_type=Path))
def check_data(pack: Path | None) -> None:
    """Check a city pack (default: ECOMAP_PACK) and print every problem, or a summary per layer."""
    import os

    pack = pack or Path(read_settings(os.environ)["PACK"])
    problems = check_pack(pack) + check_tracks(pack) + check_drafts(pack) + check_kit(pack)
    if not problems:
        problems = check_sites(load_pack(pack))
    if problems:
        for problem in problems:
            click.echo(f"{pack}/{problem}", err=True)
        click.echo(f"{len(problems)} problem(s) in {pack}", err=True)
        sys.exit(1)
    city = load_pack(pack)
    for layer in city.layers.values():
        click.echo(summarize_layer(layer.id, layer.kind, layer.frame, city.crs_metric))
    catalog = load_catalog(city)
    for track in catalog.tracks.values():
        length_km = catalog.measures[track.id].length_m / 1e3
        click.echo(f"track {track.id}: {track.mode}, {length_km:,.2f} km, {len(track.stops)} stop(s)")


serve_cli.register(cli)
for feature in features():
    feature.register_commands(cli)


def main() -> None:
    """Entry point of the console script: a broken pack is a message and exit 1, not a traceback."""
    try:
        cli.main(prog_name="ecomap")
    except (PackError, SitesError) as error:
        click.echo(f"ecomap: {error}", err=True)
        sys.exit(1)
