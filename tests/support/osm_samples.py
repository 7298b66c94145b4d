"""Small OpenStreetMap XML documents written on the fly: a grid of streets and whatever a test adds."""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr

ORIGIN = (9.52, 47.14)  # lon, lat: Vaduz
STEP_DEG = 0.001  # about 76 m east-west, 111 m north-south


@dataclass
class OsmDocument:
    """Nodes, ways and relations of an OSM XML file; ``bounds`` is ``(west, south, east, north)`` or None."""

    nodes: dict[int, tuple[float, float, dict[str, str]]] = field(default_factory=dict)
    ways: dict[int, tuple[list[int], dict[str, str]]] = field(default_factory=dict)
    relations: dict[int, tuple[list[tuple[str, int, str]], dict[str, str]]] = field(default_factory=dict)
    bounds: tuple[float, float, float, float] | None = None

    def node(self, node_id: int, lon: float, lat: float, **tags: str) -> int:
        self.nodes[node_id] = (lon, lat, tags)
        return node_id

    def way(self, way_id: int, node_ids: list[int], **tags: str) -> int:
        self.ways[way_id] = (node_ids, {key.replace("__", ":"): value for key, value in tags.items()})
        return way_id

    def relation(self, relation_id: int, members: list[tuple[str, int, str]], **tags: str) -> int:
        self.relations[relation_id] = (members, tags)
        return relation_id

    def xml(self) -> str:
        lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="ecomap tests">']
        if self.bounds:
            west, south, east, north = self.bounds
            lines.append(f'  <bounds minlat="{south}" minlon="{west}" maxlat="{north}" maxlon="{east}"/>')
        for node_id, (lon, lat, tags) in sorted(self.nodes.items()):
            lines.append(f'  <node id="{node_id}" version="1" lat="{lat:.7f}" lon="{lon:.7f}">')
            lines.extend(_tags(tags))
            lines.append("  </node>")
        for way_id, (node_ids, tags) in sorted(self.ways.items()):
            lines.append(f'  <way id="{way_id}" version="1">')
            lines.extend(f'    <nd ref="{node_id}"/>' for node_id in node_ids)
            lines.extend(_tags(tags))
            lines.append("  </way>")
        for relation_id, (members, tags) in sorted(self.relations.items()):
            lines.append(f'  <relation id="{relation_id}" version="1">')
            lines.extend(
                f'    <member type={quoteattr(kind)} ref="{ref}" role={quoteattr(role)}/>'
                for kind, ref, role in members
            )
            lines.extend(_tags(tags))
            lines.append("  </relation>")
        lines.append("</osm>")
        return "\n".join(lines) + "\n"


def _tags(tags: dict[str, str]) -> list[str]:
    return [f"    <tag k={quoteattr(key)} v={quoteattr(value)}/>" for key, value in sorted(tags.items())]


def grid_town(size: int = 5, origin: tuple[float, float] = ORIGIN) -> OsmDocument:
    """A ``size`` x ``size`` grid of residential streets (node ids 1..size², way ids 1..2·size)."""
    document = OsmDocument()
    lon0, lat0 = origin

    def node_id(row: int, column: int) -> int:
        return row * size + column + 1

    for row in range(size):
        for column in range(size):
            document.node(node_id(row, column), lon0 + column * STEP_DEG, lat0 + row * STEP_DEG)
    for row in range(size):
        document.way(row + 1, [node_id(row, column) for column in range(size)], highway="residential")
    for column in range(size):
        document.way(size + column + 1, [node_id(row, column) for row in range(size)], highway="residential")
    return document
