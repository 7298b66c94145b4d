"""Copy folium's browser assets from node_modules/ into webmap/static/vendor/.

Run from the repository root after `npm ci --ignore-scripts`. Copies the files that
webmap/maps/assets.py ASSETS and EXTRA_FILES name, and the images and fonts their CSS names, keeping
each file's path under node_modules/ so that relative url()s resolve. Writes the files that no
npm package has (GENERATED) and vendor/manifest.json: folium's CDN URL -> path under
webmap/static/. Leaves out source maps and the comments naming them. Replaces the old vendor
folder only once every file has been found.
"""

import importlib.util
import json
import posixpath
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"

CSS_URL = re.compile(rb"""url\(\s*(['"]?)(.*?)\1\s*\)""")
SOURCE_MAP_COMMENT = re.compile(rb"(?m)^//# sourceMappingURL=\S+[ \t]*$|/\*# sourceMappingURL=[^*]*\*/")


class VendorError(Exception):
    """node_modules/ lacks a file, or a CSS file names one that we cannot copy."""


def load_assets():
    """Import webmap/maps/assets.py alone: webmap/__init__.py would need the app's dependencies."""
    spec = importlib.util.spec_from_file_location("webmap_assets", ROOT / "webmap" / "maps" / "assets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rotate_css() -> bytes:
    """Return folium's leaflet.awesome.rotate.min.css: a rotation class per degree, 1 to 360."""
    rule = (
        ".fa-rotate-{0}{{-ms-transform:rotate({0}deg);-webkit-transform:rotate({0}deg);"
        "transform:rotate({0}deg)}}"
    )
    return "\n".join(rule.format(degrees) for degrees in range(1, 361)).encode() + b"\n"


GENERATED = {"folium/leaflet.awesome.rotate.min.css": rotate_css}


def css_references(path: str, css: bytes) -> list[str]:
    """Return the files that the CSS at `path` (under node_modules/) names with url()."""
    references = []
    for match in CSS_URL.finditer(css):
        url = match.group(2).decode().strip()
        if url.startswith(("data:", "#")):
            continue
        if re.match(r"[a-z][a-z0-9+.-]*:|/", url):
            raise VendorError(f"{path} loads {url} from outside our static folder")
        target = posixpath.normpath(posixpath.join(posixpath.dirname(path), re.split(r"[?#]", url)[0]))
        if target.startswith("../"):
            raise VendorError(f"{path} names {url}, outside node_modules/")
        references.append(target)
    return references


def read_sources(paths: list[str]) -> dict[str, bytes]:
    """Read `paths` from node_modules/ and, recursively, the files their CSS names."""
    if not NODE_MODULES.is_dir():
        raise VendorError(f"no {NODE_MODULES}: run `npm ci --ignore-scripts` first")
    pending, sources, missing = list(paths), {}, []
    while pending:
        path = pending.pop()
        if path in sources or path in missing:
            continue
        if not (NODE_MODULES / path).is_file():
            missing.append(path)
            continue
        sources[path] = (NODE_MODULES / path).read_bytes()
        if path.endswith(".css"):
            pending += css_references(path, sources[path])
    if missing:
        names = "\n  ".join(f"node_modules/{path}" for path in sorted(missing))
        raise VendorError(f"missing:\n  {names}\nrun `npm ci --ignore-scripts` first")
    return sources


def write_vendor_dir(vendor_dir: Path, files: dict[str, bytes], manifest: dict[str, str]) -> None:
    """Replace `vendor_dir` with `files` and the manifest, or leave it as it was on error."""
    staging = vendor_dir.with_name(vendor_dir.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    for path, content in files.items():
        if path.endswith((".js", ".css")):
            content = SOURCE_MAP_COMMENT.sub(b"", content)
        (staging / path).parent.mkdir(parents=True, exist_ok=True)
        (staging / path).write_bytes(content)
    manifest_json = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    (staging / "manifest.json").write_text(manifest_json, encoding="utf-8")
    shutil.rmtree(vendor_dir, ignore_errors=True)
    staging.rename(vendor_dir)


def main() -> int:
    assets = load_assets()
    vendor_dir = assets.STATIC_DIR / assets.VENDOR_DIR
    copied = [path for path in assets.ASSETS.values() if path not in GENERATED]
    try:
        files = read_sources([*copied, *assets.EXTRA_FILES])
    except VendorError as error:
        print(f"vendor_assets: {error}", file=sys.stderr)
        return 1
    files.update({path: generate() for path, generate in GENERATED.items()})
    manifest = {url: f"{assets.VENDOR_DIR}/{path}" for url, path in assets.ASSETS.items()}
    write_vendor_dir(vendor_dir, files, manifest)
    size_kb = sum(len(content) for content in files.values()) / 1024
    print(f"vendor_assets: {len(files)} files, {size_kb:.0f} KiB in {vendor_dir.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
