"""GPX import refuses XML attacks (entity expansion, external entities, DTDs) and oversized files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from routes.gpx import MAX_GPX_BYTES, GpxImportError, import_gpx, parse_gpx

GPX_OPEN = '<gpx version="1.1" creator="x" xmlns="http://www.topografix.com/GPX/1/1">'
TRACK = '<trk><trkseg><trkpt lat="56.5" lon="60.8"/><trkpt lat="56.51" lon="60.81"/></trkseg></trk></gpx>'
SECRET = "top-secret-4f1c"
# A comment longer than any look at "the first few kilobytes": the DTD behind it must still be caught.
LONG_COMMENT = "<!-- <gpx " + "x" * 10_000 + " -->\n"


def laughs(levels: int = 10) -> str:
    """The billion laughs: each entity ten of the one before, 10**levels 'lol's in all."""
    entities = ['<!ENTITY lol0 "lol">']
    entities += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels)]
    return f"<!DOCTYPE gpx [{''.join(entities)}]>"


def document(doctype: str, name: str = "&lol9;", prefix: str = "") -> bytes:
    text = f'<?xml version="1.0"?>{prefix}{doctype}{GPX_OPEN}<metadata><name>{name}</name></metadata>{TRACK}'
    return text.encode()


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET, encoding="utf-8")
    return path


def attacks(secret: Path) -> dict[str, bytes]:
    uri = secret.as_uri()
    return {
        "billion-laughs": document(laughs()),
        "billion-laughs-after-a-long-comment": document(laughs(), prefix=LONG_COMMENT),
        "quadratic-blowup": document(f'<!DOCTYPE gpx [<!ENTITY big "{"x" * 50_000}">]>', "&big;" * 200),
        "external-entity": document(f'<!DOCTYPE gpx [<!ENTITY xxe SYSTEM "{uri}">]>', "&xxe;"),
        "parameter-entity": document(f'<!DOCTYPE gpx [<!ENTITY % p SYSTEM "{uri}"> %p;]>', "x"),
        "external-dtd": document(f'<!DOCTYPE gpx SYSTEM "{uri}">', "x"),
        "plain-doctype": document("<!DOCTYPE gpx>", "x"),
    }


ATTACKS = list(attacks(Path("/nonexistent")))


@pytest.mark.parametrize("attack", ATTACKS)
def test_parse_refuses_every_dtd_and_entity(attack: str, secret_file: Path):
    with pytest.raises(
        GpxImportError, match=r"^walk\.gpx: DTDs and entity declarations are not allowed"
    ) as info:
        import_gpx(attacks(secret_file)[attack], "walk.gpx", dt.date(2026, 1, 1))
    assert SECRET not in str(info.value)


@pytest.mark.parametrize("attack", ATTACKS)
def test_import_gpx_command_refuses_every_attack(run_ecomap, attack: str, secret_file: Path, tmp_path: Path):
    source = tmp_path / f"{attack}.gpx"
    source.write_bytes(attacks(secret_file)[attack])
    out = tmp_path / "draft.geojson"
    result = run_ecomap("import-gpx", str(source), "--out", str(out))
    assert result.exit_code == 1
    assert f"{attack}.gpx: DTDs and entity declarations are not allowed" in result.output
    assert SECRET not in result.output
    assert not out.exists()


def test_a_clean_file_still_imports():
    draft = import_gpx(document("", "Walk"), "walk.gpx", dt.date(2026, 1, 1))
    assert draft["features"][0]["id"] == "walk"


def test_an_oversized_file_is_refused_before_parsing():
    data = document("", "Walk").replace(b"<trk>", b"<!--" + b" " * MAX_GPX_BYTES + b"--><trk>")
    with pytest.raises(GpxImportError, match=r"^big\.gpx: 10\.\d MB is over the 10\.5 MB limit"):
        parse_gpx(data, "big.gpx")


def test_import_gpx_command_refuses_an_oversized_file(run_ecomap, tmp_path: Path):
    source = tmp_path / "big.gpx"
    with source.open("wb") as file:
        file.truncate(MAX_GPX_BYTES + 1)  # sparse: nothing is written
    result = run_ecomap("import-gpx", str(source))
    assert result.exit_code == 1
    assert "big.gpx: 10.5 MB is over the 10.5 MB limit" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01binary", "not a GPX file"),
        (b"<kml/>", "not a GPX file (its root element is <kml>"),
        (GPX_OPEN.encode() + b"<trk>", "malformed GPX"),
        ("<gpx>é</gpx>".encode("latin-1"), "not UTF-8"),
    ],
    ids=["binary", "kml", "unclosed", "latin-1"],
)
def test_other_bad_files_are_named(content: bytes, message: str):
    with pytest.raises(GpxImportError, match=r"^bad\.gpx: ") as info:
        parse_gpx(content, "bad.gpx")
    assert message in str(info.value)
