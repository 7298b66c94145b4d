"""The pack's tracks ready to serve: measured once, filtered and summarised for any audience and body mass."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from geo.pack import CityPack
from routes.audiences import Audience, load_audiences
from routes.errors import TrackError
from routes.figures import TrackMeasure, audience_figures, measure_track
from routes.passes import Passage, track_passages
from routes.tracks import TRACKS_DIR, Track, load_tracks

SEASONS = {"winter": (12, 1, 2), "spring": (3, 4, 5), "summer": (6, 7, 8), "autumn": (9, 10, 11)}
MODES = ("walk", "ski")


@dataclass(frozen=True)
class Catalog:
    """Tracks, audiences, each track's measure and the places each passes."""

    tracks: dict[str, Track]
    audiences: dict[str, Audience]
    measures: dict[str, TrackMeasure]
    passages: dict[str, list[Passage]]


def load_catalog(pack: CityPack) -> Catalog:
    """Load and measure the pack's tracks; TrackError if the tracks or audiences are malformed.

    A pack without a ``tracks/`` folder has no tracks, and the default audiences
    (``routes/default_audiences.toml``) for its loops and routes.
    """
    audiences, problems = load_audiences(pack.path)
    if problems:
        raise TrackError(str(pack.path), problems)
    if not (pack.path / TRACKS_DIR).is_dir():
        return Catalog({}, audiences, {}, {})
    tracks = load_tracks(pack.path)
    measures = {track_id: measure_track(track, pack.crs_metric) for track_id, track in tracks.items()}
    passages = {track_id: track_passages(track.lons, track.lats, pack) for track_id, track in tracks.items()}
    return Catalog(tracks, audiences, measures, passages)


def seasons_of(months: Iterable[int]) -> list[str]:
    """The seasons a track runs in (any month of the season).

    >>> seasons_of([12, 1, 2, 3])
    ['winter', 'spring']
    """
    months = set(months)
    return [season for season, season_months in SEASONS.items() if months & set(season_months)]


def select_tracks(
    catalog: Catalog, audience: str | None = None, mode: str | None = None, season: str | None = None
) -> list[Track]:
    """The tracks meant for ``audience``, of ``mode``, running in ``season`` (None: any)."""
    return [
        track
        for track in catalog.tracks.values()
        if (audience is None or audience in track.audiences)
        and (mode is None or track.mode == mode)
        and (season is None or season in seasons_of(track.months))
    ]


def track_summary(catalog: Catalog, track: Track, mass_kg: float) -> dict[str, Any]:
    """A track's metrics as JSON-ready data; per-audience figures are keyed by audience id."""
    measure = catalog.measures[track.id]
    figures = {
        name: audience_figures(track, measure, catalog.audiences[name], mass_kg) for name in track.audiences
    }
    return {
        "id": track.id,
        "name": track.name,
        "description": track.description,
        "mode": track.mode,
        "months": list(track.months),
        "seasons": seasons_of(track.months),
        "audiences": list(track.audiences),
        "surface": track.surface,
        "length_m": measure.length_m,
        "steps": {name: item.steps for name, item in figures.items()},
        "duration_s": {name: item.duration_s for name, item in figures.items()},
        "energy_kcal": {name: item.energy_kcal for name, item in figures.items()},
        "duration_complete": measure.duration_complete,
        "mass_kg": mass_kg,
        "ascent_m": measure.climb.ascent_m,
        "descent_m": measure.climb.descent_m,
        "elevation_known_fraction": measure.climb.known_fraction,
        "max_gradient_pct": measure.max_gradient_pct,
        "mean_gradient_pct": measure.mean_gradient_pct,
        "terrenkur_class": measure.terrenkur_class,
        "longest_rest_gap_m": measure.longest_rest_gap_m,
        "rest_gap_norm_m": measure.rest_gap_norm_m,
        "rest_gap_over_norm": measure.rest_gap_over_norm,
        "passes": [passage_summary(p) for p in catalog.passages[track.id]],
        # the API's words are English (the default language's where a note has no English)
        "source": track.source["en"],
        "accuracy": track.accuracy["en"],
        "elevation_accuracy": track.elevation_note["en"],
        "updated": track.updated.isoformat(),
    }


def passage_summary(passage: Passage) -> dict[str, Any]:
    """One place the track passes, as JSON-ready data."""
    return {
        "layer": passage.layer_id,
        "feature": passage.feature_id,
        "name": passage.name,
        "relation": passage.relation,
        "length_m": passage.length_m,
        "distance_m": passage.distance_m,
    }


def track_feature(catalog: Catalog, track: Track, mass_kg: float) -> dict[str, Any]:
    """A track as a GeoJSON Feature: the line with known heights, its metrics and its stops."""
    measure = catalog.measures[track.id]
    coordinates = [
        [lon, lat] if ele is None else [lon, lat, ele]
        for lon, lat, ele in zip(track.lons, track.lats, track.elevations_m, strict=True)
    ]
    properties = track_summary(catalog, track, mass_kg)
    properties["stops"] = [
        {
            "id": stop.id,
            "kind": stop.kind,
            "name": stop.name,
            "text": stop.text,
            "lon": stop.lon,
            "lat": stop.lat,
            "position_m": measure.stop_positions_m[stop.id],
        }
        for stop in track.stops
    ]
    return {
        "type": "Feature",
        "id": track.id,
        "properties": properties,
        "geometry": {"type": "LineString", "coordinates": coordinates},
    }
