"""Serve folium's scripts, styles, fonts and images from our own static folder, not from CDNs."""

from pathlib import Path

from webmap.errors import AssetError
from webmap.http.caching import VERSION_ARG, file_version

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
VENDOR_DIR = "vendor"
MANIFEST = "manifest.json"

_JSDELIVR = "https://cdn.jsdelivr.net"
_CDNJS = "https://cdnjs.cloudflare.com/ajax/libs"
_FOLIUM_TEMPLATES = f"{_JSDELIVR}/gh/python-visualization/folium/folium/templates"
_GEOMAN = f"{_JSDELIVR}/npm/@geoman-io/leaflet-geoman-free@2.20.2/dist"  # webmap/maps/geoman.py

# Every CDN URL that folium 0.20.0 loads for the classes in VENDORED_CLASSES, mapped to the
# file that replaces it: a path under node_modules/ (see package.json), copied by
# scripts/vendor_assets.py to the same path under webmap/static/vendor/, together with the
# images and fonts its CSS names, or (folium/...) a file that the script writes. Where the CDN's
# version is not on npm, the nearest is used.
ASSETS: dict[str, str] = {
    # Leaflet 1.9.4, 1.9.3's bug-fix release: in 1.9.3 a tooltip bound to a group holding a group
    # (a proposal of kit parts is a GeometryCollection) throws when the map is built.
    f"{_JSDELIVR}/npm/leaflet@1.9.3/dist/leaflet.js": "leaflet/dist/leaflet.js",
    f"{_JSDELIVR}/npm/leaflet@1.9.3/dist/leaflet.css": "leaflet/dist/leaflet.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",
    f"{_JSDELIVR}/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": (
        "bootstrap/dist/js/bootstrap.bundle.min.js"
    ),
    f"{_JSDELIVR}/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": (
        "glyphicons-only-bootstrap/css/bootstrap.min.css"
    ),
    f"{_JSDELIVR}/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css": (
        "@fortawesome/fontawesome-free/css/all.min.css"
    ),
    f"{_CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js": (
        "leaflet.awesome-markers/dist/leaflet.awesome-markers.js"
    ),
    f"{_CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css": (
        "leaflet.awesome-markers/dist/leaflet.awesome-markers.css"
    ),
    f"{_FOLIUM_TEMPLATES}/leaflet.awesome.rotate.min.css": "folium/leaflet.awesome.rotate.min.css",
    # our own folium element (webmap/maps/geoman.py), named by the CDN URL of its npm version
    f"{_GEOMAN}/leaflet-geoman.js": "@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.js",
    f"{_GEOMAN}/leaflet-geoman.css": "@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css",
    f"{_JSDELIVR}/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js": (
        "leaflet.fullscreen/Control.FullScreen.js"
    ),
    f"{_JSDELIVR}/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css": (
        "leaflet.fullscreen/Control.FullScreen.css"
    ),
    f"{_JSDELIVR}/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.js": (
        "leaflet-measure/dist/leaflet-measure.min.js"
    ),
    f"{_JSDELIVR}/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.css": (
        "leaflet-measure/dist/leaflet-measure.css"
    ),
    f"{_CDNJS}/leaflet-minimap/3.6.1/Control.MiniMap.js": "leaflet-minimap/dist/Control.MiniMap.min.js",
    f"{_CDNJS}/leaflet-minimap/3.6.1/Control.MiniMap.css": "leaflet-minimap/dist/Control.MiniMap.min.css",
    f"{_CDNJS}/leaflet-groupedlayercontrol/0.6.1/leaflet.groupedlayercontrol.min.js": (
        "leaflet-groupedlayercontrol/dist/leaflet.groupedlayercontrol.min.js"
    ),
    f"{_CDNJS}/leaflet-groupedlayercontrol/0.6.1/leaflet.groupedlayercontrol.min.css": (
        "leaflet-groupedlayercontrol/dist/leaflet.groupedlayercontrol.min.css"
    ),
    f"{_CDNJS}/leaflet-locatecontrol/0.66.2/L.Control.Locate.min.js": (
        "leaflet.locatecontrol/dist/L.Control.Locate.min.js"
    ),
    f"{_CDNJS}/leaflet-locatecontrol/0.66.2/L.Control.Locate.min.css": (
        "leaflet.locatecontrol/dist/L.Control.Locate.min.css"
    ),
    f"{_CDNJS}/leaflet.markercluster/1.1.0/leaflet.markercluster.js": (
        "leaflet.markercluster/dist/leaflet.markercluster.js"
    ),
    f"{_CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.css": "leaflet.markercluster/dist/MarkerCluster.css",
    f"{_CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.Default.css": (
        "leaflet.markercluster/dist/MarkerCluster.Default.css"
    ),
}

# Files a page loads that no CSS url() names: Leaflet's default marker finds its retina and
# shadow images next to the marker-icon.png that leaflet.css names; the service worker
# (static/sw.js, webmap/offline.py) imports Workbox's loader and the modules it uses.
WORKBOX_MODULES = ("workbox-core", "workbox-routing", "workbox-strategies")
EXTRA_FILES = (
    "leaflet/dist/images/marker-icon-2x.png",
    "leaflet/dist/images/marker-shadow.png",
    "workbox-sw/build/workbox-sw.js",
    *(f"{name}/build/{name}.prod.js" for name in WORKBOX_MODULES),
)

# folium classes whose every asset must be in ASSETS; any other class that loads a CDN asset
# refuses to render (see use_local_assets).
VENDORED_CLASSES = frozenset(
    {
        "Map",
        "Fullscreen",
        "Geoman",
        "GroupedLayerControl",
        "LocateControl",
        "MarkerCluster",
        "MeasureControl",
        "MiniMap",
    }
)

_LINK_ATTRIBUTES = ("default_js", "default_css")
_cdn_links: dict[type, dict[str, list[tuple[str, str]]]] = {}


class _NotVendored:
    """A default_js/default_css that raises when a folium element is rendered with it."""

    def __init__(self, cls: type, urls: list[str]) -> None:
        self.message = (
            f"{cls.__module__}.{cls.__qualname__} loads {', '.join(urls)}, which ecomap does not "
            "vendor: add its npm package to package.json and its URL to webmap/maps/assets.py ASSETS"
        )

    def __get__(self, instance: object, owner: type) -> "_NotVendored":
        if instance is None:
            return self
        raise AssetError(self.message)


def _subclasses(cls: type[object]) -> list[type]:
    """Return every subclass of `cls`, recursively."""
    found = []
    for subclass in cls.__subclasses__():
        found += [subclass, *_subclasses(subclass)]
    return found


def _is_remote(url: str) -> bool:
    return url.startswith(("http://", "https://", "//"))


def _unvendored_urls(links: dict[str, list[tuple[str, str]]]) -> list[str]:
    urls = [url for pairs in links.values() for _, url in pairs]
    return [url for url in urls if _is_remote(url) and url not in ASSETS]


def _local_url(url: str, prefix: str) -> str:
    """The vendored copy's URL, versioned by its content (``?v=``) so that it can be cached for long."""
    if not _is_remote(url):
        return url
    path = ASSETS[url]
    version = file_version(STATIC_DIR / VENDOR_DIR / path)
    return prefix + path + (f"?{VERSION_ARG}={version}" if version else "")


def use_local_assets(static_url_path: str = "/static") -> None:
    """Point folium's JS and CSS links at our vendored copies, with ``?v=<content hash>``; call
    again to change the path.

    Raises AssetError, before changing anything, if a class of VENDORED_CLASSES loads a URL
    that ASSETS lacks. Any other class loading a URL that ASSETS lacks raises AssetError when
    one of its elements is rendered, so that no page asks a CDN for anything.
    """
    import folium.elements
    import folium.plugins  # registers the plugin classes

    import webmap.maps.geoman  # noqa: F401  registers our Geoman element

    for cls in _subclasses(folium.elements.JSCSSMixin):
        own = {name: vars(cls)[name] for name in _LINK_ATTRIBUTES if name in vars(cls)}
        if own and cls not in _cdn_links:
            _cdn_links[cls] = own
    unvendored = {cls: _unvendored_urls(links) for cls, links in _cdn_links.items()}
    errors = [
        f"{cls.__module__}.{cls.__qualname__}: {url}"
        for cls, urls in unvendored.items()
        if cls.__name__ in VENDORED_CLASSES
        for url in urls
    ]
    if errors:
        raise AssetError("no local copy in webmap/maps/assets.py ASSETS for " + "; ".join(errors))
    prefix = f"{static_url_path.rstrip('/')}/{VENDOR_DIR}/"
    for cls, links in _cdn_links.items():
        for name, pairs in links.items():
            if unvendored[cls]:
                setattr(cls, name, _NotVendored(cls, unvendored[cls]))
            else:
                setattr(cls, name, [(key, _local_url(url, prefix)) for key, url in pairs])


def missing_assets(static_dir: Path | str = STATIC_DIR) -> list[str]:
    """Return the vendored files, relative to `static_dir`, that pages need and lack."""
    paths = [f"{VENDOR_DIR}/{path}" for path in (*ASSETS.values(), *EXTRA_FILES)]
    paths.append(f"{VENDOR_DIR}/{MANIFEST}")
    return [path for path in paths if not (Path(static_dir) / path).is_file()]
