"""The ``ecomap import-osm`` command: an OpenStreetMap extract into a city pack's layers."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from geo.osm import OsmImportError, import_osm


def register(cli_group: click.Group) -> None:
    """Add ``import-osm`` to the ``ecomap`` command group."""
    cli_group.add_command(import_osm_command)


@click.command("import-osm")
@click.argument("extract", type=click.Path(path_type=Path))
@click.option(
    "--pack", "pack", required=True, type=click.Path(path_type=Path), help="the city pack to update"
)
@click.option("--create", is_flag=True, help="start a new pack framed by the extract's walking network")
def import_osm_command(extract: Path, pack: Path, create: bool) -> None:
    """Import parks, water, forest, the walking network, kerbs, ski trails and benches from EXTRACT.

    EXTRACT is an OpenStreetMap extract: PBF (.osm.pbf) or OSM XML (.osm, .osm.gz,
    .osm.bz2, as openstreetmap.org's Export and the Overpass API give).
    """
    began = time.perf_counter()
    try:
        summary = import_osm(extract, pack, create=create)
    except (OsmImportError, OSError) as error:
        outcome = "no pack created" if create and not (pack / "city.toml").exists() else "left as it was"
        message = str(error) if isinstance(error, OsmImportError) else f"{error.filename}: {error.strerror}"
        click.echo(f"import-osm: {message} ({pack}: {outcome})", err=True)
        sys.exit(1)
    elapsed_s = time.perf_counter() - began
    click.echo(f"imported {extract.name} into {pack} in {elapsed_s:.1f} s")
    for line in summary.report():
        click.echo(f"  {line}")
    if create:
        city = pack / "city.toml"
        click.echo(f"  next: edit {city} (names, centre, zoom), then `ecomap check-data {pack}`")
