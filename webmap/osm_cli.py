"""The ``ecomap import-osm`` command: an OpenStreetMap extract into a city pack's layers."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import click

from geo.osm import OsmImportError, create_pack, import_osm


def register(cli_group: click.Group) -> None:
    """Add ``import-osm`` to the ``ecomap`` command group."""
    cli_group.add_command(import_osm_command)


@click.command("import-osm")
@click.argument("extract", type=click.Path(path_type=Path))
@click.option(
    "--pack", "pack", required=True, type=click.Path(path_type=Path), help="the city pack to update"
)
@click.option("--create", is_flag=True, help="start a new pack framed by the extract's bounds")
def import_osm_command(extract: Path, pack: Path, create: bool) -> None:
    """Import parks, water, forest, the walking network, ski trails and benches from EXTRACT.osm.pbf."""
    began = time.perf_counter()
    created = create and not pack.exists()
    try:
        if create:
            create_pack(extract, pack)
        summary = import_osm(extract, pack)
    except OsmImportError as error:
        if created:
            shutil.rmtree(pack, ignore_errors=True)
        click.echo(f"import-osm: {error}", err=True)
        click.echo(f"import-osm: {pack} is {'not created' if created else 'left as it was'}", err=True)
        sys.exit(1)
    click.echo(f"imported into {pack} in {time.perf_counter() - began:.1f} s: {summary}")
