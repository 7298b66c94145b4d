"""Which OpenStreetMap ways a pedestrian may walk, which nodes are kerbs, and how connected a network is.

The rules are documented tag by tag in docs/osm.md.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping

import networkx as nx
from pyproj import Geod

# Ways anyone may walk unless a tag below says otherwise: paths and every ordinary street.
WALKED_HIGHWAYS = frozenset(
    {
        "footway",
        "path",
        "pedestrian",
        "steps",
        "living_street",
        "residential",
        "service",
        "track",
        "cycleway",
        "unclassified",
        "tertiary",
        "tertiary_link",
        "secondary",
        "secondary_link",
        "primary",
        "primary_link",
        "road",
    }
)
# Ways walked only where foot=yes/designated/permissive says so.
FOOT_SIGNED_HIGHWAYS = frozenset({"bridleway"})
# Fast roads, walked only along a sidewalk or where foot=yes/designated/permissive says so.
SIDEWALK_HIGHWAYS = frozenset({"motorway", "motorway_link", "trunk", "trunk_link"})
FOOT_ALLOWED = frozenset({"yes", "designated", "permissive"})
FOOT_BANNED = frozenset({"no"})
ACCESS_BANNED = frozenset({"private", "no"})
SIDEWALK_PRESENT = frozenset({"both", "left", "right", "yes"})
SIDEWALK_KEYS = ("sidewalk", "sidewalk:both", "sidewalk:left", "sidewalk:right")
# kerb=* values a wheel rolls over; any other kerb (raised, yes, rolled, unknown) is an obstacle.
KERB_PASSABLE = frozenset({"flush", "lowered", "no"})
# The tags the walking network and the loops read (kept on every network feature).
NETWORK_TAGS = (
    "highway",
    "surface",
    "smoothness",
    "sidewalk",
    "footway",
    "foot",
    "access",
    "wheelchair",
    "incline",
    "lit",
    "name",
    "tracktype",
)
GEOD = Geod(ellps="WGS84")


def walkable(tags: Mapping[str, str]) -> bool:
    """Whether a pedestrian may walk a way with these tags.

    >>> walkable({"highway": "tertiary"}), walkable({"highway": "footway", "foot": "no"})
    (True, False)
    >>> walkable({"highway": "service", "access": "private"})
    False
    >>> walkable({"highway": "service", "access": "private", "foot": "yes"})
    True
    >>> walkable({"highway": "trunk"}), walkable({"highway": "trunk", "sidewalk": "right"})
    (False, True)
    >>> walkable({"highway": "bridleway"}), walkable({"highway": "bridleway", "foot": "designated"})
    (False, True)
    >>> walkable({"highway": "construction"})
    False
    """
    highway = tags.get("highway")
    foot = tags.get("foot")
    if foot in FOOT_BANNED:
        return False
    if tags.get("access") in ACCESS_BANNED and foot not in FOOT_ALLOWED:
        return False
    if highway in WALKED_HIGHWAYS:
        return True
    if highway in FOOT_SIGNED_HIGHWAYS:
        return foot in FOOT_ALLOWED
    if highway in SIDEWALK_HIGHWAYS:
        return foot in FOOT_ALLOWED or any(tags.get(key) in SIDEWALK_PRESENT for key in SIDEWALK_KEYS)
    return False


def is_kerb(tags: Mapping[str, str]) -> bool:
    """Whether a node is a kerb a wheelchair or a stroller cannot roll over.

    >>> is_kerb({"barrier": "kerb"}), is_kerb({"barrier": "kerb", "kerb": "lowered"})
    (True, False)
    >>> is_kerb({"highway": "crossing", "kerb": "raised"}), is_kerb({"highway": "crossing"})
    (True, False)
    """
    if tags.get("barrier") != "kerb" and "kerb" not in tags:
        return False
    return tags.get("kerb") not in KERB_PASSABLE


def largest_part_share(lines: Iterable[list[list[float]]]) -> tuple[float, float]:
    """The network's length in metres and the share of it in its largest connected part.

    Lines join where they share a position, as the walking network joins them.

    >>> share = largest_part_share([[[0, 0], [0, 0.009]], [[0, 0.009], [0, 0.018]], [[1, 0], [1, 0.001]]])
    >>> round(share[0]), round(share[1], 3)
    (2101, 0.947)
    """
    graph: nx.Graph[tuple[float, float]] = nx.Graph()
    lengths: list[tuple[tuple[float, float], float]] = []
    for coordinates in lines:
        keys = [(position[0], position[1]) for position in coordinates]
        graph.add_edges_from(itertools.pairwise(keys))
        lons, lats = zip(*keys, strict=True)
        lengths.append((keys[0], GEOD.line_length(lons, lats)))
    part_of = {key: index for index, part in enumerate(nx.connected_components(graph)) for key in part}
    by_part: dict[int, float] = defaultdict(float)
    for first, length in lengths:
        by_part[part_of[first]] += length
    total = sum(by_part.values())
    return total, (max(by_part.values()) / total if total else 0.0)
