"""``ecomap export-gpx`` and ``ecomap import-gpx``: GPX files of the pack's tracks, out and in."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from routes.gpx import MAX_GPX_BYTES, GpxImportError, import_gpx
from webmap import tracks
from webmap.i18n import LANGUAGES


def register(cli_group: click.Group) -> None:
    """Add ``export-gpx`` and ``import-gpx`` to the ``ecomap`` command group."""
    cli_group.add_command(export_gpx)
    cli_group.add_command(import_gpx_command)


@click.command("export-gpx")
@click.option(
    "--track", "track_ids", multiple=True, metavar="ID", help="A track to export (repeatable); default all."
)
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("gpx"), show_default=True
)
@click.option(
    "--lang", type=click.Choice(LANGUAGES), default=None, help="Language (default: DEFAULT_LANGUAGE)."
)
@click.option(
    "--base-url", default="http://localhost:5000", show_default=True, help="Where the site is served."
)
@with_appcontext
def export_gpx(track_ids: tuple[str, ...], out: Path, lang: str | None, base_url: str) -> None:
    """Write the GPX file of each track to OUT/<id>.gpx, as GET /tracks/<id>.gpx serves it."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if tracks.EXTENSION not in app.extensions:
        tracks.init_app(app)
    catalog = app.extensions[tracks.EXTENSION]
    unknown = [track_id for track_id in track_ids if track_id not in catalog.tracks]
    if unknown:
        raise click.ClickException(
            f"no track {', '.join(map(repr, unknown))}; the pack has {', '.join(catalog.tracks)}"
        )
    lang = lang or app.config["DEFAULT_LANGUAGE"]
    out.mkdir(parents=True, exist_ok=True)
    for track_id in track_ids or tuple(catalog.tracks):
        track = catalog.tracks[track_id]
        with app.test_request_context(f"/tracks/{track_id}.gpx?lang={lang}", base_url=base_url):
            document = tracks.gpx_document(catalog, track, track.audiences[0], lang)
        path = out / f"{track_id}.gpx"
        path.write_text(document, encoding="utf-8")
        click.echo(f"{path}")


@click.command("import-gpx")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Draft file to write (default: stdout)."
)
def import_gpx_command(file: Path, out: Path | None) -> None:
    """Turn a recorded GPX FILE into a track definition draft (GeoJSON) in the pack's format."""
    size = file.stat().st_size
    if size > MAX_GPX_BYTES:
        raise click.ClickException(
            f"{file}: {size / 1e6:.1f} MB is over the {MAX_GPX_BYTES / 1e6:.1f} MB limit"
        )
    try:
        draft = import_gpx(file.read_bytes(), file.name, dt.date.today())
    except GpxImportError as error:
        raise click.ClickException(str(error)) from None
    text = json.dumps(draft, ensure_ascii=False, indent=1) + "\n"
    if out is None:
        click.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    line = draft["features"][0]["geometry"]["coordinates"]
    click.echo(
        f"{out}: track {draft['features'][0]['id']!r}, {len(line)} points, {len(draft['features']) - 1} stops"
    )
    click.echo("Edit the names, texts, mode, months, audiences and surface, then run `ecomap check-data`.")
