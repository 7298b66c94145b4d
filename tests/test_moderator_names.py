"""Moderator names: stored normalised, refused when invisible characters hide in them or when they look
like an existing moderator's name; signing in normalises the typed name the same way."""

from __future__ import annotations

import pytest

from tests.support.proposals_support import add_moderator, dispose, login, make_app
from webmap.proposals.cli import create_moderator_command
from webmap.proposals.errors import InvalidName
from webmap.proposals.moderator_names import confusable_with, normalise_name, skeleton

PASSWORD = "s3cret-pass\n"
# Names that must be refused beside an existing "olga.petrova", and why they look like it.
LOOK_ALIKES = {
    "оlga.petrova": "Cyrillic о",
    "olga.pеtrovа": "Cyrillic е and а",
    "0lga.petrova": "digit zero",
    "o1ga.petrova": "digit one for l",
    "olga.petrova ": "trailing space",
    "  olga.petrova": "leading spaces",
    "Olga.Petrova": "other case",
    "OLGA.PETROVA": "capitals",
    "ｏｌｇａ.ｐｅｔｒｏｖａ": "full-width letters",
    "olga.petrоva": "Cyrillic о inside",
    "olga.petroⅴa": "Roman numeral five",
}
INVISIBLE = {
    "olga\u200b.petrova": "U+200B",  # zero width space
    "olga\u200d.petrova": "U+200D",  # zero width joiner
    "\u202eolga.petrova": "U+202E",  # right-to-left override
    "olga\u00ad.petrova": "U+00AD",  # soft hyphen
    "olga\ufeff.petrova": "U+FEFF",  # byte order mark
    "olga\x00.petrova": "U+0000",
}


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)
    yield app
    dispose(app)


def create(app, name: str):
    return app.test_cli_runner().invoke(create_moderator_command, [name], input=PASSWORD)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Anna   Petrova ", "anna petrova"),
        ("ＡＮＮＡ", "anna"),
        ("Straße", "strasse"),
        ("ǅ", "dž"),
        ("Ｏｌｇａ\u3000Ｐ", "olga p"),
    ],
)
def test_names_are_normalised(typed, stored):
    assert normalise_name(typed) == stored


@pytest.mark.parametrize("name", ["", "   ", "\u3000", "a" * 81])
def test_empty_and_long_names_are_refused(name):
    with pytest.raises(InvalidName):
        normalise_name(name)


@pytest.mark.parametrize("name", INVISIBLE, ids=INVISIBLE.values())
def test_invisible_characters_are_refused(app, name):
    result = create(app, name)
    assert result.exit_code == 2
    assert INVISIBLE[name] in result.output


@pytest.mark.parametrize("name", LOOK_ALIKES, ids=LOOK_ALIKES.values())
def test_look_alike_names_are_refused(app, name):
    assert create(app, "olga.petrova").exit_code == 0
    result = create(app, name)
    assert result.exit_code == 1, result.output
    assert "olga.petrova" in result.output
    assert "already exists" in result.output or "too like the existing moderator" in result.output


@pytest.mark.parametrize("name", ["olga.petrova2", "olga.petrov", "oleg.petrov", "ольга.петрова", "anna"])
def test_different_names_are_accepted(app, name):
    assert create(app, "olga.petrova").exit_code == 0
    result = create(app, name)
    assert result.exit_code == 0, result.output


def test_the_name_is_stored_normalised_and_signs_in_however_typed(app):
    result = create(app, "  Olga   Petrova ")
    assert "created moderator 'olga petrova'" in result.output
    for typed in ("olga petrova", "OLGA PETROVA", "Ｏｌｇａ Ｐｅｔｒｏｖａ", " olga  petrova"):
        assert login(app.test_client(), typed, PASSWORD.strip()).status_code == 302, typed
    assert login(app.test_client(), "оlga petrova", PASSWORD.strip()).status_code == 401  # Cyrillic о


def test_an_older_unnormalised_name_still_signs_in(app):
    add_moderator(app, "Teacher", "correct horse")  # stored as typed, before names were normalised
    assert login(app.test_client(), "teacher", "correct horse").status_code == 302
    assert login(app.test_client(), "TEACHER ", "correct horse").status_code == 302


def test_a_name_with_invisible_characters_does_not_sign_in(app):
    add_moderator(app, "teacher", "correct horse")
    assert login(app.test_client(), "tea\u200bcher", "correct horse").status_code == 401


def test_skeletons_tell_look_alikes_from_different_names():
    assert skeleton("admin") == skeleton("аdmin") == skeleton("adrnin")
    assert skeleton("anna") != skeleton("anya")
    assert confusable_with("olga", ["ivan", "0lga"]) == "0lga"
    assert confusable_with("olga", ["ivan", "oleg"]) is None
