"""Dutch and French ship complete: every catalogue entry translated, none fuzzy, none missing."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from backend.i18n import ROOT, catalogues, compile_catalogues

CATALOGUES = catalogues()


def test_each_app_with_strings_has_dutch_and_french_catalogues():
    languages = {path.parts[-3] for path in CATALOGUES}
    assert {"nl", "fr"} <= languages
    for path in CATALOGUES:
        sibling = Path(str(path).replace(f"/{path.parts[-3]}/", "/nl/" if path.parts[-3] == "fr" else "/fr/"))
        assert sibling.exists(), f"{path} has no counterpart {sibling}"


@pytest.mark.parametrize("path", CATALOGUES, ids=[str(p.relative_to(ROOT)) for p in CATALOGUES])
def test_the_catalogue_has_no_untranslated_or_fuzzy_entries(path):
    catalogue = polib.pofile(str(path))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, f"untranslated in {path}: {untranslated}"
    assert not fuzzy, f"fuzzy in {path}: {fuzzy}"


@pytest.mark.parametrize("path", CATALOGUES, ids=[str(p.relative_to(ROOT)) for p in CATALOGUES])
def test_placeholders_survive_translation(path):
    import re

    def names(text):
        return sorted(set(re.findall(r"%\(\w+\)[sd]|\{\w+\}", text)))

    for entry in polib.pofile(str(path)).translated_entries():
        if entry.msgid_plural:
            # each plural form keeps the named placeholders (a form may drop the count, as "one" often does)
            wanted = names(entry.msgid) + names(entry.msgid_plural)
            for form, text in entry.msgstr_plural.items():
                missing = [name for name in set(wanted) if name not in text and "count" not in name]
                assert not missing, f"{path}: plural form {form} of {entry.msgid!r} lacks {missing}: {text!r}"
                extra = [name for name in names(text) if name not in wanted]
                assert not extra, f"{path}: plural form {form} of {entry.msgid!r} adds {extra}: {text!r}"
        else:
            assert names(entry.msgid) == names(entry.msgstr), f"{path}: {entry.msgid!r} -> {entry.msgstr!r}"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (xgettext) to extract strings")
def test_every_string_in_the_code_is_in_its_catalogue(tmp_path):
    """Extract strings afresh into a copy of each app and compare with the committed catalogue."""
    for path in CATALOGUES:
        if path.parts[-3] != "nl":
            continue
        app_dir = path.parents[3]
        copy = tmp_path / app_dir.name
        shutil.copytree(app_dir, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "makemessages", "-l", "nl", "--no-obsolete"],
            cwd=copy,
            check=True,
            capture_output=True,
        )
        fresh = {e.msgid for e in polib.pofile(str(copy / "locale/nl/LC_MESSAGES/django.po"))}
        committed = {e.msgid for e in polib.pofile(str(path))}
        assert not fresh - committed, f"run `make messages` and translate, {app_dir.name} lacks: {fresh - committed}"


def test_the_set_up_compiles_catalogues_without_gettext(tmp_path):
    app = tmp_path / "someapp" / "locale" / "fr" / "LC_MESSAGES"
    app.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid="Loan", msgstr="Prêt"))
    po.save(str(app / "django.po"))
    assert compile_catalogues(tmp_path) == [app / "django.mo"]
    assert polib.mofile(str(app / "django.mo")).find("Loan").msgstr == "Prêt"
    assert compile_catalogues(tmp_path) == []  # up to date: nothing to do


# --- Arabic: what participants receive, nothing else (backend.i18n.ARABIC_SOURCES) -------------------------


def _ar_catalogues():
    return sorted(ROOT.glob("*/locale/ar/LC_MESSAGES/django.po"))


def test_arabic_catalogues_hold_only_what_participants_receive():
    from backend.i18n import ARABIC_SOURCES, for_participants

    apps = {path.relative_to(ROOT).parts[0] for path in _ar_catalogues()}
    assert apps == set(ARABIC_SOURCES)
    for path in _ar_catalogues():
        app = path.relative_to(ROOT).parts[0]
        staff_only = [entry.msgid for entry in polib.pofile(str(path)) if not for_participants(app, entry)]
        assert not staff_only, f"{path} has entries no participant receives (make messages drops them): {staff_only}"


def test_everything_participants_receive_has_its_arabic():
    from backend.i18n import ARABIC_SOURCES, for_participants

    for app in ARABIC_SOURCES:
        dutch = polib.pofile(str(ROOT / app / "locale/nl/LC_MESSAGES/django.po"))
        wanted = {(entry.msgctxt, entry.msgid) for entry in dutch if for_participants(app, entry)}
        arabic = polib.pofile(str(ROOT / app / "locale/ar/LC_MESSAGES/django.po"))
        have = {(entry.msgctxt, entry.msgid) for entry in arabic.translated_entries() if "fuzzy" not in entry.flags}
        assert wanted and not wanted - have, f"{app}: no Arabic for {wanted - have}"


def test_the_arabic_scope_drops_a_staff_string_and_the_arabic_of_a_staff_only_app(tmp_path):
    from backend.i18n import arabic_scope

    def catalogue(app: str, entries: list[tuple[str, str]]) -> Path:
        folder = tmp_path / app / "locale" / "ar" / "LC_MESSAGES"
        folder.mkdir(parents=True)
        po = polib.POFile()
        po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
        for msgid, source in entries:
            po.append(polib.POEntry(msgid=msgid, msgstr="ترجمة", occurrences=[(source, "1")]))
        po.save(str(folder / "django.po"))
        return folder / "django.po"

    card = catalogue(
        "frontend",
        [
            ("Your loan", "frontend/templates/frontend/card/card.html"),
            ("Check in", "templates/frontend/desk/loan.html"),
        ],
    )
    staff_app = catalogue("reports", [("Stock report", "reports/models.py")])
    dropped = arabic_scope(tmp_path)
    assert dropped == {card: 1, staff_app: 1}
    assert [entry.msgid for entry in polib.pofile(str(card))] == ["Your loan"]
    assert not staff_app.exists()
