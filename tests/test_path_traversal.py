"""Nothing that serves or writes files reaches outside its folder, however the path is spelled."""

from __future__ import annotations

from pathlib import Path

import pytest

from webmap.tracks import views as tracks

# Files that exist outside webmap/static: reaching one would show its text.
OUTSIDE_MARKERS = (b"def create_app", b"root:", b"[build-system]", b"SECRET")
TRAVERSALS = [
    "/static/../__init__.py",
    "/static/../../pyproject.toml",
    "/static/%2e%2e/__init__.py",
    "/static/%2E%2E/%2E%2E/pyproject.toml",
    "/static/..%2f__init__.py",
    "/static/..%2F..%2Fpyproject.toml",
    "/static/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/static/%252e%252e/__init__.py",
    "/static/..%5c__init__.py",
    "/static/..\\__init__.py",
    "/static/vendor/../../__init__.py",
    "/static/vendor/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
    "/static/ecomap.css%00/../../__init__.py",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/tracks/..%2f..%2fetc%2fpasswd.gpx",
    "/tracks/../../etc/passwd.gpx",
    "/tracks/%2e%2e%2f%2e%2e%2fpyproject.toml.gpx",
    "/api/layers/..%2f..",
    "/api/layers/../../etc/passwd",
    "/api/layers/%2e%2e%2f%2e%2e%2fpyproject.toml",
    "/api/tracks/..%2f..%2fetc%2fpasswd",
    "/proposals/p/..%2f..%2fetc%2fpasswd",
]


@pytest.fixture
def served(app):
    if "tracks" not in app.blueprints:
        tracks.init_app(app)
    return app.test_client()


def _follow(client, path: str):
    response = client.get(path)
    for _ in range(3):
        if response.status_code not in (301, 302, 307, 308):
            break
        location = response.headers["Location"]
        assert location.startswith(("/static/", "http://localhost/static/")), location
        response = client.get(location)
    return response


@pytest.mark.parametrize("path", TRAVERSALS)
def test_traversal_is_refused(served, path: str):
    response = _follow(served, path)
    assert response.status_code in (400, 404), response.status_code
    assert not any(marker in response.data for marker in OUTSIDE_MARKERS)


@pytest.mark.parametrize("path", TRAVERSALS)
def test_traversal_in_the_raw_path_is_refused(served, path: str):
    """The same paths as a server hands them over, undecoded and unnormalised."""
    response = served.get("/", environ_overrides={"PATH_INFO": path, "RAW_URI": path, "REQUEST_URI": path})
    assert response.status_code in (301, 308, 400, 404)
    assert not any(marker in response.data for marker in OUTSIDE_MARKERS)


def test_static_files_are_still_served(served):
    response = served.get("/static/ecomap.css")
    assert response.status_code == 200
    response.close()


@pytest.mark.parametrize(
    "track_id", ["../../x", "../escape", "/etc/passwd", "..", "a/../../b", "x\\..\\..\\y"]
)
def test_export_gpx_cannot_write_outside_out(run_ecomap, tmp_path: Path, track_id: str):
    out = tmp_path / "a" / "b" / "out"
    result = run_ecomap("export-gpx", "--track", track_id, "--out", str(out))
    assert result.exit_code == 1
    assert "no track" in result.output
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []


def test_export_gpx_writes_only_inside_out(run_ecomap, tmp_path: Path):
    out = tmp_path / "out"
    result = run_ecomap("export-gpx", "--out", str(out))
    assert result.exit_code == 0, result.output
    written = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert written and all(path.parent == out for path in written)
