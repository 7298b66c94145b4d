"""The package arrows point one way: webmap/ -> routes/ -> geo/, plumbing below the features, no cycle.

Every module's imports are read with ``ast`` (those inside functions too), so an import added
anywhere shows here. docs/architecture.md draws the same tree.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent
TOP_PACKAGES = ("geo", "routes", "webmap")
FEATURES = ("city", "tracks", "loops", "proposals")
SHARED = ("http", "maps")
WEB_LIBRARIES = ("flask", "flask_babel", "flask_compress", "flask_limiter", "flask_wtf", "folium", "branca")
# Top-level webmap modules that may know the features, each with its reason.
ASSEMBLERS = {
    "webmap": "create_app registers every feature",
}
# Feature -> feature imports allowed, each with its reason. None today: the city map gets the
# tracks and approved proposals through webmap/maps/overlays.py, /openapi.json every feature's
# part through webmap/http/openapi.py, loops read the tracks' catalogue through webmap/pack_access.py.
FEATURE_EXCEPTIONS: dict[tuple[str, str], str] = {}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for package in TOP_PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    }


MODULES = _modules()


def _imported(name: str, node: ast.ImportFrom | ast.Import, module: str, is_package: bool) -> list[str]:
    """The full names a statement imports: ``from a import b`` is ``a.b`` when that is a module."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        anchor = module.split(".") if is_package else module.split(".")[:-1]
        anchor = anchor[: len(anchor) - (node.level - 1)]
        base = ".".join([*anchor, base] if base else anchor)
    return [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]


def _imports(module: str) -> set[str]:
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names.update(_imported(module, node, module, path.name == "__init__.py"))
    return names


IMPORTS = {module: _imports(module) for module in MODULES}


def _ours(name: str) -> str | None:
    """The module of ours that ``name`` is, or is in (``webmap.maps.base.Tiles`` -> ``webmap.maps.base``)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _edges(prefix: str) -> list[tuple[str, str]]:
    return [
        (module, target)
        for module, names in IMPORTS.items()
        if module == prefix or module.startswith(prefix + ".")
        for target in sorted(filter(None, map(_ours, names)))
    ]


def _part(module: str) -> str | None:
    """The webmap package a module belongs to (``http``, ``tracks``, ...), None for top-level modules."""
    parts = module.split(".")
    inside = parts[0] == "webmap" and len(parts) > 1
    return parts[1] if inside and parts[1] in (*FEATURES, *SHARED) else None


def test_the_module_graph_is_read():
    assert {"webmap", "webmap.http.errors", "webmap.maps.base", "webmap.proposals", "geo.pack"} <= set(
        MODULES
    )
    assert ("webmap.city.views", "webmap.maps.parts") in _edges("webmap.city")


@pytest.mark.parametrize(
    ("package", "forbidden"), [("geo", ("routes", "webmap")), ("routes", ("webmap",))], ids=["geo", "routes"]
)
def test_lower_packages_do_not_import_higher_ones(package, forbidden):
    wrong = [(module, target) for module, target in _edges(package) if target.split(".")[0] in forbidden]

    assert wrong == []


@pytest.mark.parametrize("package", ["geo", "routes"])
def test_nothing_below_webmap_imports_flask_or_folium(package):
    wrong = [
        (module, name)
        for module, names in IMPORTS.items()
        if module.split(".")[0] == package
        for name in names
        if name.split(".")[0] in WEB_LIBRARIES
    ]

    assert wrong == []


@pytest.mark.parametrize("shared", SHARED)
def test_http_and_maps_import_no_feature(shared):
    wrong = [(m, t) for m, t in _edges(f"webmap.{shared}") if _part(t) in FEATURES]

    assert wrong == []


def test_plumbing_imports_no_feature_except_the_assemblers():
    top_level = [m for m in MODULES if m.startswith("webmap") and _part(m) is None and m not in ASSEMBLERS]
    wrong = [
        (m, t) for module in top_level for m, t in _edges(module) if m == module and _part(t) in FEATURES
    ]

    assert top_level and wrong == []


@pytest.mark.parametrize("feature", FEATURES)
def test_features_do_not_import_each_other(feature):
    wrong = [
        (module, target)
        for module, target in _edges(f"webmap.{feature}")
        if _part(target) in FEATURES
        and _part(target) != feature
        and (feature, _part(target)) not in FEATURE_EXCEPTIONS
    ]

    assert wrong == []


def test_no_import_cycle_among_webmap_modules():
    graph = nx.DiGraph(
        (module, target) for module, target in _edges("webmap") if target.split(".")[0] == "webmap"
    )

    assert sorted(nx.simple_cycles(graph)) == []


def test_docs_architecture_names_every_webmap_module():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    paths = [MODULES[m].relative_to(ROOT / "webmap").as_posix() for m in MODULES if m.startswith("webmap.")]
    missing = [path for path in paths if f"`{path.removesuffix('__init__.py')}`" not in text]

    assert paths and missing == []


def test_http_imports_no_domain_errors():
    """http/ answers the domain errors the features register; it imports none of their modules."""
    domain = ("geo.errors", "routes.errors", "webmap.proposals.errors")
    wrong = [(m, t) for m, t in _edges("webmap.http") if t in domain]

    assert wrong == []
