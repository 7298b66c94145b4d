"""The service's settings: each read from an ``ECOMAP_`` environment variable, with its default."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PREFIX = "ECOMAP_"


@dataclass(frozen=True)
class Setting:
    """One setting: its config key, default and the help text the README repeats."""

    name: str
    default: str
    help: str

    @property
    def env(self) -> str:
        return PREFIX + self.name


SETTINGS = (
    Setting("PACK", str(PROJECT_ROOT / "data" / "sysert"), "Folder of the city pack to serve."),
    Setting(
        "TILES",
        "",
        "Base map tiles: empty for the pack's tile source, `none` for a plain background with "
        "no tile requests, or a tile URL template such as `https://tile.example.org/{z}/{x}/{y}.png`.",
    ),
    Setting(
        "TILES_ATTRIBUTION",
        "",
        "Attribution shown for a tile URL given in ECOMAP_TILES (empty: the pack's attribution).",
    ),
    Setting("DEFAULT_LANGUAGE", "ru", "Interface language when neither `?lang=` nor the browser picks one."),
    Setting(
        "TIMEZONE",
        "Asia/Yekaterinburg",
        "Time zone of the dates and times shown to people (an IANA name such as `Europe/Vaduz`); "
        "the default is Sysert's.",
    ),
    Setting(
        "DATABASE_URL",
        "",
        "SQLAlchemy URL of the proposals database, such as "
        "`postgresql+psycopg://user:password@host/db`; empty: SQLite in the instance folder.",
    ),
    Setting(
        "RATE_LIMIT",
        "30/minute;300/hour",
        "Accepted proposal submissions, votes, joins and sign-in attempts per client (Flask-Limiter "
        "syntax); `0` turns it off.",
    ),
    Setting(
        "LOGIN_LIMIT",
        "5/15 minutes",
        "Failed sign-ins per moderator account, from any address (the name normalised, counted in "
        "ECOMAP_RATE_LIMIT_STORAGE); then 429 until the window passes; `0` turns it off.",
    ),
    Setting(
        "RATE_LIMIT_STORAGE",
        "",
        "Where the rate limits are counted, as a Flask-Limiter storage URL such as "
        "`redis://127.0.0.1:6379/0`: shared by every worker and machine; empty: in each worker's memory.",
    ),
    Setting(
        "PROXY_HOPS",
        "0",
        "Reverse proxies in front of the app whose `X-Forwarded-For` and `X-Forwarded-Proto` are "
        "trusted (`1` behind deploy/nginx); `0`: the client is the peer address.",
    ),
    Setting("SECURE_COOKIES", "0", "`1` marks the session and participant cookies Secure (HTTPS only)."),
    Setting(
        "FRAME_ANCESTORS",
        "'self'",
        "Who may show the pages in a frame (CSP `frame-ancestors` sources), such as "
        "`'self' https://sysert.example` to let the city website embed the map.",
    ),
    Setting(
        "PUBLIC_URL",
        "",
        "The site's public address, such as `https://ecomap.sysert.example`, for the links that "
        "leave the site: QR codes on trailhead signs and GPX files; empty: the address each request "
        "came in on.",
    ),
    Setting(
        "CHROMIUM",
        "/usr/bin/chromium",
        "Chromium (or Chrome) that prints proposals' project boards to PDF, headless; without it the "
        "boards answer 503.",
    ),
    Setting(
        "SECRET_KEY",
        "",
        "Key that signs session cookies; empty: a random key kept in the instance folder.",
    ),
)


def read_settings(environ: Mapping[str, str]) -> dict[str, str]:
    """Return every setting's value from ``environ``, falling back to its default.

    >>> read_settings({"ECOMAP_TILES": "none"})["TILES"]
    'none'
    >>> read_settings({})["DEFAULT_LANGUAGE"]
    'ru'
    """
    return {setting.name: environ.get(setting.env, setting.default) for setting in SETTINGS}
