"""Print how long the track work takes: all metrics, all GPX files, and importing a 10,000-point GPX.

Run: .venv/bin/python bench/bench_tracks.py  (figures only; the tests never assert times)
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import math
import time
from collections.abc import Callable
from pathlib import Path

import gpxpy.gpx

from geo.pack import load_pack
from routes import elevation
from routes.catalog import load_catalog, track_summary
from routes.figures import measure_track
from routes.gpx import import_gpx
from routes.tracks import parse_track
from webmap import create_app
from webmap.tracks import views as tracks

PACK = Path(__file__).resolve().parent.parent / "data" / "sysert"
REPEATS = 5


def best_of(action: Callable[[], object], repeats: int = REPEATS) -> float:
    """The fastest of ``repeats`` runs, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def recording(points: int) -> bytes:
    """A synthetic phone recording: a 10,000-point wiggly walk near Sysert with heights and times."""
    document = gpxpy.gpx.GPX()
    segment = gpxpy.gpx.GPXTrackSegment()
    start = dt.datetime(2026, 1, 23, 10, tzinfo=dt.UTC)
    for index in range(points):
        lat = 56.495 + index * 0.000006 + 0.00002 * math.sin(index / 15)
        lon = 60.805 + 0.01 * math.sin(index / 2000)
        segment.points.append(
            gpxpy.gpx.GPXTrackPoint(
                lat, lon, elevation=236 + 3 * math.sin(index / 50), time=start + dt.timedelta(seconds=index)
            )
        )
    track = gpxpy.gpx.GPXTrack(name="Guide's walk")
    track.segments.append(segment)
    document.tracks.append(track)
    return document.to_xml().encode()


def plain_average_climb(
    lengths_m: tuple[float, ...], elevations_m: tuple[float | None, ...]
) -> tuple[float, float]:
    """Ascent and descent by the former method: a moving average over 100 m (50 m either side), no RDP."""
    heights = elevation.smoothed(elevation.cumulative_m(lengths_m), elevations_m)
    known = [(a, b) for a, b in itertools.pairwise(heights) if a is not None and b is not None]
    return sum(max(0.0, b - a) for a, b in known), sum(max(0.0, a - b) for a, b in known)


def main() -> None:
    pack = load_pack(PACK)
    catalog = load_catalog(pack)
    print(f"tracks: {len(catalog.tracks)}")
    seconds = best_of(lambda: load_catalog(pack))
    print(f"load + measure + passes, all tracks:   {seconds * 1000:8.1f} ms")
    seconds = best_of(lambda: [measure_track(t, pack.crs_metric) for t in catalog.tracks.values()])
    print(f"measure_track, all tracks:             {seconds * 1000:8.1f} ms")
    seconds = best_of(lambda: [track_summary(catalog, t, 70.0) for t in catalog.tracks.values()])
    print(f"per-audience summaries, all tracks:    {seconds * 1000:8.1f} ms")

    app = create_app({"TESTING": True, "PACK": str(PACK), "TILES": "none"})
    app.logger.getChild("requests").setLevel(logging.WARNING)  # no request log lines between the figures
    if "tracks" not in app.blueprints:
        tracks.init_app(app)
    client = app.test_client()
    urls = [f"/tracks/{track_id}.gpx?lang={lang}" for track_id in catalog.tracks for lang in ("ru", "en")]
    seconds = best_of(lambda: [client.get(url).data for url in urls])
    print(f"all GPX files over HTTP ({len(urls)} files):   {seconds * 1000:8.1f} ms")
    seconds = best_of(lambda: client.get("/api/tracks").data)
    print(f"GET /api/tracks:                       {seconds * 1000:8.1f} ms")

    data = recording(10_000)
    seconds = best_of(lambda: import_gpx(data, "guide.gpx", dt.date(2026, 1, 24)), repeats=3)
    print(f"import a 10,000-point GPX ({len(data) / 1e6:.1f} MB):     {seconds * 1000:8.1f} ms")
    draft = import_gpx(data, "guide.gpx", dt.date(2026, 1, 24))
    track_id = draft["features"][0]["id"]
    track, problems = parse_track(draft, f"tracks/{track_id}.geojson", track_id)
    assert not problems and track is not None
    seconds = best_of(lambda: measure_track(track, pack.crs_metric), repeats=3)
    measure = measure_track(track, pack.crs_metric)
    print(f"measure the imported track:            {seconds * 1000:8.1f} ms")
    print(f"  {len(track.lons)} points, {measure.length_m:.0f} m, ascent {measure.climb.ascent_m} m")
    before = plain_average_climb(measure.lengths_m, track.elevations_m)
    print(f"  ascent / descent of its ±3 m height swing, before: {before[0]:.1f} / {before[1]:.1f} m")
    print("    (a plain moving average over 100 m in all)")
    print(f"  ascent / descent now: {measure.climb.ascent_m} / {measure.climb.descent_m} m")
    print("    (gpx.studio: RDP at 20 m on the elevation profile, then 100 m either side)")

    print("\nfigures per track (adults where the track is for adults, else its first audience):")
    for track in catalog.tracks.values():
        summary = track_summary(catalog, track, 70.0)
        audience = "adults" if "adults" in track.audiences else track.audiences[0]
        print(
            f"  {track.id:24} {summary['length_m']:8.1f} m  steps {summary['steps'][audience]!s:>6}  "
            f"{summary['duration_s'][audience] / 60:5.1f} min  {summary['energy_kcal'][audience]:4.0f} kcal  "
            f"ascent {summary['ascent_m']} m  descent {summary['descent_m']} m  "
            f"heights known {summary['elevation_known_fraction']:.0%}  class {summary['terrenkur_class']}"
        )


if __name__ == "__main__":
    main()
