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


if __name__ == "__main__":
    done = compile_catalogues(force="--force" in sys.argv)
    print(f"compiled {len(done)} translation catalogue(s)")
