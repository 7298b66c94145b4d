"""``ecomap export-gpx`` and ``ecomap import-gpx``: GPX files of the pack's tracks, out and in."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask.globals import app_ctx

from routes.check import STOP_MAX_OFFSET_M
from routes.gpx import (
    BREAK_GAP_S,
    BREAK_STEP_M,
    MAX_GPX_BYTES,
    GpxImportError,
    PartChoiceError,
    Recording,
    choose_part,
    draft_part,
    far_waypoints,
    part_summary,
    read_recording,
    require_parts,
)
from webmap.http.i18n import LANGUAGES
from webmap.tracks import views as tracks


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
    app = app_ctx.app  # the app itself, as current_app._get_current_object() gives it
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
    "--out",
    type=click.Path(),
    help="Draft file to write, or a folder (an existing one, or a path ending in /, such as the pack's "
    "tracks/) for one <id>.geojson per part (default: stdout).",
)
@click.option("--part", type=click.IntRange(min=1), metavar="N", help="Only part N (see --list).")
@click.option("--list", "list_parts", is_flag=True, help="List the parts of the recording and stop.")
def import_gpx_command(file: Path, out: str | None, part: int | None, list_parts: bool) -> None:
    """Turn a recorded GPX FILE into track definition drafts (GeoJSON) in the pack's format.

    Each track segment is a part of its own, cut where the recording paused for over
    5 minutes or jumped over 500 m; parts are never joined by a straight line. A file of
    one part gives one draft; for several, choose one with --part N or write them all
    into a folder with --out DIR/.
    """
    recording = _read_recording(file)
    if list_parts:
        click.echo("\n".join(part_summary(item) for item in recording.parts) or f"{file.name}: no parts")
        _notes(recording)
        return
    folder = out is not None and (Path(out).is_dir() or out.endswith(("/", os.sep)))
    try:
        chosen = require_parts(recording) if part is None and folder else (choose_part(recording, part),)
    except PartChoiceError as error:
        hint = "Choose one with --part N, or write each to a folder with --out DIR/."
        raise click.ClickException(f"{error}\n{hint}") from None
    except GpxImportError as error:
        raise click.ClickException(str(error)) from None
    drafts = [draft_part(recording, item, dt.date.today()) for item in chosen]
    if out is None:
        click.echo(_json(drafts[0]), nl=False)
    else:
        _write_drafts(drafts, Path(out), folder)
    _notes(recording)


def _read_recording(file: Path) -> Recording:
    """The recording in FILE, or a message naming the file and what is wrong."""
    try:
        size = file.stat().st_size
        if size > MAX_GPX_BYTES:
            raise GpxImportError(
                f"{file}: {size / 1e6:.1f} MB is over the {MAX_GPX_BYTES / 1e6:.1f} MB limit"
            )
        return read_recording(file.read_bytes(), file.name)
    except OSError as error:
        raise click.ClickException(f"{file}: cannot be read: {error.strerror}") from None
    except GpxImportError as error:
        raise click.ClickException(str(error)) from None


def _write_drafts(drafts: list[dict], out: Path, folder: bool) -> None:
    """Write each draft to OUT (a file), or to OUT/<id>.geojson when OUT is a folder."""
    for draft in drafts:
        line = draft["features"][0]
        path = out / f"{line['id']}.geojson" if folder else out
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_json(draft), encoding="utf-8")
        except OSError as error:
            raise click.ClickException(f"{path}: cannot be written: {error.strerror}") from None
        points = len(line["geometry"]["coordinates"])
        click.echo(f"{path}: track {line['id']!r}, {points} points, {len(draft['features']) - 1} stops")
    click.echo("Edit the names, texts, mode, months, audiences and surface, then run `ecomap check-data`.")


def _json(draft: dict) -> str:
    return json.dumps(draft, ensure_ascii=False, indent=1) + "\n"


def _notes(recording: Recording) -> None:
    """What the drafts leave out, on stderr: breaks, pieces too short for a line, far waypoints."""
    if recording.breaks:
        click.echo(
            f"{recording.file}: {recording.breaks} break(s) (a pause over {BREAK_GAP_S / 60:.0f} min"
            f" or a step over {BREAK_STEP_M:.0f} m) cut a segment into parts",
            err=True,
        )
    if recording.dropped:
        click.echo(f"{recording.file}: {recording.dropped} piece(s) of a single point left out", err=True)
    for name, offset_m in far_waypoints(recording):
        click.echo(
            f"{recording.file}: waypoint {name!r} is {offset_m:.0f} m from every part:"
            f" no draft takes it as a stop (over {STOP_MAX_OFFSET_M:.0f} m)",
            err=True,
        )
