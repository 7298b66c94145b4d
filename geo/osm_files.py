"""Tell an OpenStreetMap extract by its first bytes (PBF, OSM XML plain, gzip, bzip2); read its header."""

from __future__ import annotations

import bz2
import gzip
import re
from pathlib import Path

from geo.errors import OsmImportError

HEAD_BYTES = 65_536
GZIP_MAGIC = b"\x1f\x8b"
BZIP2_MAGIC = b"BZh"
PBF_MAGIC = b"OSMHeader"
# The libosmium format names pyosmium reads, whatever the file is called.
FORMATS = {"pbf": "PBF", "osm": "OSM XML", "osm.gz": "OSM XML (gzip)", "osm.bz2": "OSM XML (bzip2)"}
XML_PROLOGUE = re.compile(rb"^(\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*", re.DOTALL | re.IGNORECASE)
XML_ROOT = re.compile(rb"<([A-Za-z_][\w:.-]*)")
BOM = b"\xef\xbb\xbf"


def extract_format(extract: Path) -> str:
    """The libosmium format of ``extract`` from its content ("pbf", "osm", "osm.gz" or "osm.bz2").

    Raise OsmImportError naming the file and what it is instead: missing, a folder,
    unreadable, empty, an HTML page, another XML document or no OpenStreetMap data at all.
    """
    head = _head(extract)
    if head.startswith(GZIP_MAGIC):
        return _compressed(extract, "osm.gz", "gzip", gzip.open)
    if head.startswith(BZIP2_MAGIC):
        return _compressed(extract, "osm.bz2", "bzip2", bz2.open)
    if PBF_MAGIC in head[:64]:
        return "pbf"
    _check_xml(extract, head)
    return "osm"


def _head(extract: Path) -> bytes:
    if extract.is_dir():
        raise OsmImportError(f"{extract}: a folder, not an extract file")
    try:
        with extract.open("rb") as file:
            head = file.read(HEAD_BYTES)
    except OSError as error:
        raise OsmImportError(f"{extract}: cannot read the extract: {error.strerror}") from None
    if not head:
        raise OsmImportError(f"{extract}: the file is empty")
    return head


def _compressed(extract: Path, fmt: str, name: str, opener) -> str:
    """Check that a gzip or bzip2 file holds OSM XML (libosmium reads neither compressed PBF nor others)."""
    try:
        with opener(extract, "rb") as file:
            inner = file.read(4096)
    except (OSError, EOFError, ValueError) as error:
        raise OsmImportError(f"{extract}: a truncated or corrupt {name} file: {error}") from None
    if PBF_MAGIC in inner[:64]:
        raise OsmImportError(f"{extract}: a {name}-compressed PBF; decompress it first")
    if not inner:
        raise OsmImportError(f"{extract}: the {name} file holds nothing")
    _check_xml(extract, inner, f" inside the {name} file")
    return fmt


def _check_xml(extract: Path, head: bytes, where: str = "") -> None:
    """Refuse anything whose first element is not ``<osm>``: an HTML error page, a GPX file, binary data."""
    text = head.removeprefix(BOM)
    if b"\0" in text[:1024] or not text.lstrip().startswith(b"<"):
        raise OsmImportError(
            f"{extract}: not an OpenStreetMap extract{where}: neither PBF nor OSM XML (plain, .gz or .bz2)"
        )
    root = XML_ROOT.match(XML_PROLOGUE.sub(b"", text, count=1))
    name = root.group(1).decode("ascii", "replace") if root else ""
    if name.lower() == "html" or re.search(rb"<!DOCTYPE\s+html", text[:1024], re.IGNORECASE):
        raise OsmImportError(
            f"{extract}: an HTML page{where}, not OpenStreetMap data (the error page of a failed download?)"
        )
    if name != "osm":
        shown = f"<{name}>" if name else "no element"
        raise OsmImportError(f"{extract}: XML with {shown}{where}, not OpenStreetMap XML (<osm>)")


def unreadable(fmt: str) -> str:
    """The start of the message for a file that libosmium cannot read to its end.

    >>> unreadable("osm.gz")
    'unreadable OSM XML (gzip) (truncated or corrupt?)'
    """
    return f"unreadable {FORMATS[fmt]} (truncated or corrupt?)"


def header_box(extract: Path, fmt: str) -> tuple[float, float, float, float] | None:
    """The extract's header bounds ``(west, south, east, north)``, or None when it gives none.

    A PBF header's bbox or an OSM XML file's ``<bounds>`` element; Overpass answers
    and cut extracts often have none.
    """
    import osmium

    try:
        reader = osmium.io.Reader(osmium.io.File(str(extract), fmt), osmium.osm.osm_entity_bits.NOTHING)
        try:
            box = reader.header().box()
        finally:
            reader.close()
    except RuntimeError as error:
        raise OsmImportError(f"{extract}: unreadable {FORMATS[fmt]}: {error}") from None
    if not box.valid():
        return None
    return (box.bottom_left.lon, box.bottom_left.lat, box.top_right.lon, box.top_right.lat)


def sorted_copy(extract: Path, fmt: str, folder: Path) -> Path:
    """A copy of an extract whose objects are out of order (an Overpass answer), sorted, as PBF in ``folder``.

    Assembling areas needs nodes, ways and relations each in id order; the copy is held
    in memory while it is written, which suits the small files that come unsorted.
    """
    import osmium
    from osmium.osm import mutable

    nodes: list[tuple[int, mutable.Node]] = []
    ways: list[tuple[int, mutable.Way]] = []
    relations: list[tuple[int, mutable.Relation]] = []
    try:
        for item in osmium.FileProcessor(osmium.io.File(str(extract), fmt)):
            tags = dict(item.tags)
            if isinstance(item, osmium.osm.Node):
                location = (item.lon, item.lat) if item.location.valid() else None
                nodes.append((item.id, mutable.Node(id=item.id, location=location, tags=tags)))
            elif isinstance(item, osmium.osm.Way):
                way = mutable.Way(id=item.id, nodes=[node.ref for node in item.nodes], tags=tags)
                ways.append((item.id, way))
            elif isinstance(item, osmium.osm.Relation):
                members = [(member.type, member.ref, member.role) for member in item.members]
                relations.append((item.id, mutable.Relation(id=item.id, members=members, tags=tags)))
    except RuntimeError as error:
        raise OsmImportError(f"{extract}: {unreadable(fmt)}: {error}") from None
    copy = folder / "sorted.osm.pbf"
    with osmium.SimpleWriter(str(copy)) as writer:
        for _, node in sorted(nodes, key=_id_order):
            writer.add_node(node)
        for _, way in sorted(ways, key=_id_order):
            writer.add_way(way)
        for _, relation in sorted(relations, key=_id_order):
            writer.add_relation(relation)
    return copy


def _id_order(keyed: tuple[int, object]) -> tuple[bool, int]:
    """libosmium's id order of ``(id, object)``: negative ids (an editor's new objects) first, by size.

    >>> sorted([(3, "c"), (-2, "b"), (1, "a"), (-1, "z")], key=_id_order)
    [(-1, 'z'), (-2, 'b'), (1, 'a'), (3, 'c')]
    """
    object_id = keyed[0]
    return (object_id >= 0, abs(object_id))
