"""import-osm's inputs: PBF and OSM XML told by content, bounds from the header or the data, bad files.

Every bad input is one message naming the file and the reason, exit 1, and leaves the
pack as it was (or, with --create, no folder at all).
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from geo.pack import check_pack, load_pack
from tests.support.osm_samples import ORIGIN, STEP_DEG, grid_town

DATA = Path(__file__).parent / "data" / "osm"
GPX = '<?xml version="1.0"?>\n<gpx version="1.1" creator="t"><trk><trkseg></trkseg></trk></gpx>\n'
HTML = "<!DOCTYPE html>\n<html><head><title>429 Too Many Requests</title></head><body></body></html>\n"


def digest(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def no_walkable_ways() -> str:
    document = grid_town(3)
    for way_id, (nodes, _tags) in list(document.ways.items()):
        document.ways[way_id] = (nodes, {"highway": "footway", "foot": "no"} if way_id % 2 else {})
    document.way(99, [1, 2, 5, 4, 1], leisure="park")
    document.way(98, [1, 9], highway="motorway")
    return document.xml()


def nodes_only() -> str:
    document = grid_town(3)
    document.ways.clear()
    return document.xml()


BAD_INPUTS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "empty": (lambda folder: write(folder / "empty.osm", b""), "the file is empty"),
    "garbage": (
        lambda folder: write(folder / "garbage.osm.pbf", random.Random(9).randbytes(5_000)),
        "not an OpenStreetMap extract: neither PBF nor OSM XML",
    ),
    "truncated-pbf": (
        lambda folder: write(folder / "cut.osm.pbf", (DATA / "vaduz.osm.pbf").read_bytes()[:40_000]),
        r"unreadable PBF \(truncated or corrupt\?\)",
    ),
    "truncated-gz": (
        lambda folder: write(folder / "cut.osm.gz", (DATA / "schaan.osm.gz").read_bytes()[:60_000]),
        r"unreadable OSM XML \(gzip\) \(truncated or corrupt\?\)",
    ),
    "truncated-bz2": (
        lambda folder: write(folder / "cut.osm.bz2", (DATA / "triesenberg.osm.bz2").read_bytes()[:40_000]),
        "a truncated or corrupt bzip2 file",
    ),
    "html-renamed-osm": (
        lambda folder: write(folder / "export.osm", HTML),
        "an HTML page, not OpenStreetMap",
    ),
    "gpx-renamed-osm": (
        lambda folder: write(folder / "walk.osm", GPX),
        "XML with <gpx>, not OpenStreetMap XML",
    ),
    "directory": (lambda folder: _mkdir(folder / "town.osm"), "a folder, not an extract file"),
    "missing": (lambda folder: folder / "nowhere.osm.pbf", "cannot read the extract: No such file"),
    "xml-without-ways": (
        lambda folder: write(folder / "nodes.osm", nodes_only()),
        "no walkable way|no feature with the mapped tags",
    ),
    "no-walkable-way": (lambda folder: write(folder / "roads.osm", no_walkable_ways()), "no walkable way"),
}


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path


@pytest.fixture
def small_pack(tmp_path) -> Path:
    """A pack made from a 5 x 5 grid of streets."""
    from geo.osm import import_osm

    pack = tmp_path / "packs" / "grid"
    import_osm(write(tmp_path / "grid.osm", grid_town().xml()), pack, create=True)
    return pack


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_a_bad_input_leaves_the_pack_as_it_was(run_ecomap, small_pack, tmp_path, name):
    make, reason = BAD_INPUTS[name]
    extract = make(tmp_path)
    before = digest(small_pack)
    result = run_ecomap("import-osm", str(extract), "--pack", str(small_pack))
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # a message, no traceback
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"import-osm: {extract}: ")
    assert re.search(reason, lines[0]), lines[0]
    assert lines[0].endswith(f"({small_pack}: left as it was)")
    assert digest(small_pack) == before
    assert [path.name for path in small_pack.parent.iterdir()] == ["grid"]


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_a_bad_input_creates_no_pack(run_ecomap, tmp_path, name):
    make, reason = BAD_INPUTS[name]
    extract = make(tmp_path)
    pack = tmp_path / "towns" / "new-town"
    result = run_ecomap("import-osm", str(extract), "--pack", str(pack), "--create")
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"import-osm: {extract}: ")
    assert re.search(reason, lines[0]), lines[0]
    assert lines[0].endswith(f"({pack}: no pack created)")
    assert not (tmp_path / "towns").exists()


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("plain.osm", lambda text: text.encode()),
        ("export.osm.gz", lambda text: gzip.compress(text.encode(), mtime=0)),
        ("export.osm.bz2", lambda text: bz2.compress(text.encode())),
        ("named-wrongly.osm.pbf", lambda text: gzip.compress(text.encode(), mtime=0)),
        ("with-bom.osm", lambda text: b"\xef\xbb\xbf" + text.encode()),
    ],
    ids=["xml", "gzip", "bzip2", "gzip-named-pbf", "xml-with-byte-order-mark"],
)
def test_xml_plain_or_compressed_gives_the_same_layers_whatever_its_name(run_ecomap, tmp_path, name, encode):
    text = grid_town().xml()
    reference = tmp_path / "reference"
    assert run_ecomap(
        "import-osm", str(write(tmp_path / "a.osm", text)), "--pack", str(reference), "--create"
    )
    pack = tmp_path / "town"
    result = run_ecomap(
        "import-osm", str(write(tmp_path / name, encode(text))), "--pack", str(pack), "--create"
    )
    assert result.exit_code == 0, result.output
    assert digest(pack / "layers") == digest(reference / "layers")
    assert check_pack(pack) == []


def test_header_bounds_much_smaller_than_the_data_give_way_to_the_datas(run_ecomap, tmp_path):
    document = grid_town(5)
    west, south = ORIGIN
    document.bounds = (west, south, west + STEP_DEG, south + STEP_DEG)  # one block of 16
    pack = tmp_path / "town"
    result = run_ecomap(
        "import-osm", str(write(tmp_path / "t.osm", document.xml())), "--pack", str(pack), "--create"
    )
    assert result.exit_code == 0, result.output
    assert (
        "the walking network's extent (the header's bounds [9.52, 47.14, 9.521, 47.141] hold" in result.output
    )
    bbox = load_pack(pack).bbox
    assert bbox[0] <= west and bbox[2] >= west + 4 * STEP_DEG and bbox[3] >= south + 4 * STEP_DEG
    assert len(load_pack(pack).layers["osm-paths"].frame) == 10


def test_header_bounds_that_frame_the_data_are_kept(run_ecomap, tmp_path):
    document = grid_town(5)
    west, south = ORIGIN
    document.bounds = (west - 0.0005, south - 0.0005, west + 0.0045, south + 0.0045)
    pack = tmp_path / "town"
    result = run_ecomap(
        "import-osm", str(write(tmp_path / "t.osm", document.xml())), "--pack", str(pack), "--create"
    )
    assert result.exit_code == 0, result.output
    assert "the extract's header bounds" in result.output
    assert load_pack(pack).bbox == (9.5195, 47.1395, 9.5245, 47.1445)


def test_a_stray_way_far_away_is_left_out_of_the_frame(run_ecomap, tmp_path):
    document = grid_town(20)
    document.node(1001, ORIGIN[0] + 1.0, ORIGIN[1] + 0.5)
    document.node(1002, ORIGIN[0] + 1.001, ORIGIN[1] + 0.5)
    document.way(1000, [1001, 1002], highway="footway")
    pack = tmp_path / "town"
    result = run_ecomap(
        "import-osm", str(write(tmp_path / "t.osm", document.xml())), "--pack", str(pack), "--create"
    )
    assert result.exit_code == 0, result.output
    assert "the central 99 % of the walking network's positions" in result.output
    assert load_pack(pack).bbox[2] < ORIGIN[0] + 0.1


def test_create_refuses_an_existing_pack_or_a_folder_with_files(run_ecomap, small_pack, tmp_path):
    extract = write(tmp_path / "t.osm", grid_town().xml())
    again = run_ecomap("import-osm", str(extract), "--pack", str(small_pack), "--create")
    assert again.exit_code == 1 and "already a pack; import without --create" in again.stderr
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine", encoding="utf-8")
    result = run_ecomap("import-osm", str(extract), "--pack", str(busy), "--create")
    assert result.exit_code == 1 and "exists and is not an empty folder" in result.stderr
    assert [path.name for path in busy.iterdir()] == ["notes.txt"]
    empty = tmp_path / "empty-town"
    empty.mkdir()
    assert run_ecomap("import-osm", str(extract), "--pack", str(empty), "--create").exit_code == 0
    assert check_pack(empty) == []


HAND_WRITTEN_CITY = """id = "grid"
name_ru = "Сетка"
name_en = "Grid"
center_lat = 47.142
center_lon = 9.522
bbox = [9.519, 47.139, 9.525, 47.145]
zoom = 15
crs_metric = "EPSG:32632"
groups = GROUPS
layers = []

[tiles]
url = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
attribution = "© OpenStreetMap contributors"
"""


@pytest.mark.parametrize(
    "groups",
    ["[]", '[{ id = "nature", title_ru = "Природа", title_en = "Nature" }]'],
    ids=["empty-inline-arrays", "an-inline-group"],
)
def test_a_hand_written_city_toml_with_inline_arrays_and_no_layers_folder(run_ecomap, tmp_path, groups):
    """The dead end of issue 9: `groups = []`, `layers = []` and no layers/ folder, as check-data asks."""
    pack = tmp_path / "grid"
    pack.mkdir()
    (pack / "city.toml").write_text(HAND_WRITTEN_CITY.replace("GROUPS", groups), encoding="utf-8")
    extract = write(tmp_path / "t.osm", grid_town().xml())
    result = run_ecomap("import-osm", str(extract), "--pack", str(pack))
    assert result.exit_code == 0, result.output
    assert "the pack's bbox (city.toml)" in result.output
    assert check_pack(pack) == []
    city = load_pack(pack)
    assert "openstreetmap" in city.groups
    assert ("nature" in city.groups) == (groups != "[]")
    again = run_ecomap("import-osm", str(extract), "--pack", str(pack))
    assert again.exit_code == 0, again.output
    assert check_pack(pack) == []


def test_an_update_judges_the_data_not_wrong_header_bounds(run_ecomap, small_pack, tmp_path):
    document = grid_town(5)
    document.way(50, [1, 7], highway="footway")
    document.bounds = (60.80, 56.49, 60.81, 56.50)  # Sysert's: nowhere near the data
    extract = write(tmp_path / "t.osm", document.xml())
    result = run_ecomap("import-osm", str(extract), "--pack", str(small_pack))
    assert result.exit_code == 0, result.output
    assert "osm-paths: 11" in result.output
    far = grid_town(5, origin=(60.80, 56.49))
    far.bounds = document.bounds
    result = run_ecomap("import-osm", str(write(tmp_path / "far.osm", far.xml())), "--pack", str(small_pack))
    assert result.exit_code == 1
    assert "the extract's data covers [60.8, 56.49, 60.804, 56.494], outside the pack's bbox" in result.stderr


def test_an_unreadable_file_is_named_with_the_reason(monkeypatch, tmp_path):
    from geo.osm_files import OsmImportError, extract_format

    extract = write(tmp_path / "locked.osm", grid_town().xml())
    real_open = Path.open

    def guarded(self, *args, **kwargs):
        if self == extract:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", guarded)
    with pytest.raises(OsmImportError, match=r"locked\.osm: cannot read the extract: Permission denied$"):
        extract_format(extract)
