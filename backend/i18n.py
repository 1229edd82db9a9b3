"""The translation catalogues: <app>/locale/<language>/LC_MESSAGES/django.po, edited by hand (Poedit or a text
editor), the only place a translation lives.

`python -m backend.i18n` compiles them into .mo files with polib, so a fresh machine needs no gettext; only
catalogues newer than their .mo are compiled. `python -m backend.i18n --arabic-scope` (run by `make messages`
after makemessages) keeps Arabic to what participants receive: see ARABIC_SOURCES.
"""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def catalogues(root: Path = ROOT) -> list[Path]:
    """Every .po file of the project's apps (not of installed packages)."""
    return sorted(root.glob("*/locale/*/LC_MESSAGES/*.po"))


def compile_catalogues(root: Path = ROOT, *, force: bool = False) -> list[Path]:
    compiled = []
    for po_path in catalogues(root):
        mo_path = po_path.with_suffix(".mo")
        if force or not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            compiled.append(mo_path)
    return compiled


# Arabic is for what participants receive (the loan card, their agreement and handover papers, their code
# letter, their data export), never the staff desk, the funder pages or the admin: an Arabic catalogue keeps
# only the entries used in these files of its app, so a staff page never half-switches to Arabic. Paths are
# relative to the app; a prefix ending in "/" takes a whole folder.
ARABIC_SOURCES = {
    "frontend": ("views/card.py", "templates/frontend/card/", "texts.py", "languages.py"),
    "inventory": ("texts.py",),
    "loans": ("documents.py",),
    "messaging": ("texts.py",),
    "connectivity": ("letters.py",),
    "privacy": ("documents.py", "choice_labels.py"),
}


def for_participants(app: str, entry: polib.POEntry) -> bool:
    """Whether a catalogue entry of `app` is used in a file participants receive (ARABIC_SOURCES)."""
    sources = ARABIC_SOURCES.get(app, ())
    # makemessages writes paths from where it ran: the project root ("frontend/texts.py") or the app ("texts.py")
    paths = (source.removeprefix(f"{app}/") for source, _line in entry.occurrences)
    return bool(sources) and any(path.startswith(sources) for path in paths)


def arabic_scope(root: Path = ROOT) -> dict[Path, int]:
    """Drops from each Arabic catalogue the entries outside ARABIC_SOURCES, and the Arabic catalogues of the
    apps with none; returns {catalogue: entries dropped}."""
    dropped = {}
    for path in sorted(root.glob("*/locale/ar/LC_MESSAGES/*.po")):
        app = path.relative_to(root).parts[0]
        if app not in ARABIC_SOURCES:
            dropped[path] = len(polib.pofile(str(path)))
            path.unlink()
            path.with_suffix(".mo").unlink(missing_ok=True)
            continue
        catalogue = polib.pofile(str(path))
        outside = [entry for entry in catalogue if not for_participants(app, entry)]
        for entry in outside:
            catalogue.remove(entry)
        if outside:
            catalogue.save(str(path))
        dropped[path] = len(outside)
    return dropped


if __name__ == "__main__":
    if "--arabic-scope" in sys.argv:
        for path, count in arabic_scope().items():
            if count:
                print(f"{path.relative_to(ROOT)}: {count} entries not for participants dropped")
    done = compile_catalogues(force="--force" in sys.argv)
    print(f"compiled {len(done)} translation catalogue(s)")
