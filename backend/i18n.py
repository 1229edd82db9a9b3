"""Compile <app>/locale/*/LC_MESSAGES/*.po into .mo files with polib, so a fresh machine needs no gettext.

Run as `python -m backend.i18n`; only catalogues newer than their .mo are compiled.
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


def entry_key(entry: polib.POEntry):
    """An entry's key in the apps' translation tables (`<app>/locale/translate.py`): the msgid, with its
    context first when it has one, `(msgid, msgid_plural)` for plurals."""
    key = (entry.msgid, entry.msgid_plural) if entry.msgid_plural else (entry.msgid,)
    if entry.msgctxt:
        key = (entry.msgctxt, *key)
    return key[0] if len(key) == 1 else key


def fill_catalogue(path: Path, language: str, table: dict, *, participant_sources: tuple = ()) -> list[str]:
    """Write `table[entry_key(entry)][language]` (a list of forms for plurals) into the catalogue at `path`;
    returns the msgids it has no translation for. With `participant_sources`, the Arabic catalogue keeps only
    the entries used in those files, so staff pages never half-switch to Arabic."""
    catalogue = polib.pofile(str(path))
    missing = []
    for entry in list(catalogue):
        if language == "ar" and participant_sources:
            if not any(source.startswith(participant_sources) for source, _line in entry.occurrences):
                catalogue.remove(entry)
                continue
        value = table.get(entry_key(entry), {}).get(language)
        if value is None:
            missing.append(entry.msgid)
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = dict(enumerate(value))
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    catalogue.metadata["Language"] = language
    catalogue.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    catalogue.save(str(path))
    return missing


if __name__ == "__main__":
    done = compile_catalogues(force="--force" in sys.argv)
    print(f"compiled {len(done)} translation catalogue(s)")
