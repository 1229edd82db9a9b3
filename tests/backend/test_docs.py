"""The manual: docs/ (built by MkDocs) and a short README. Internal links must resolve, the README stays a
front page (at most 200 lines, the two commands at its top) and every page is in the build and on the map."""

import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
README_MAX_LINES = 200

LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")


def _prose_lines(text: str):
    """(line number, line) outside fenced code blocks, with inline code spans blanked."""
    fenced = False
    for number, line in enumerate(text.splitlines(), start=1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield number, re.sub(r"`[^`]*`", "", line)


def mkdocs_slug(title: str) -> str:
    """The id Python-Markdown's toc extension (MkDocs) gives a heading."""
    title = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", title).replace("`", "").replace("*", "")
    title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    title = re.sub(r"[^\w\s-]", "", title).strip().lower()
    return re.sub(r"[-\s]+", "-", title)


def github_slug(title: str) -> str:
    """The id GitHub gives a heading of a README."""
    title = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", title).replace("`", "").replace("*", "").strip().lower()
    return re.sub(r"[^\w\- ]", "", title).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    slug = github_slug if path.name == "README.md" else mkdocs_slug
    found, seen = set(), {}
    fenced = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        match = None if fenced else HEADING.match(line)
        if match:
            base = slug(match.group(2))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}_{count}" if slug is mkdocs_slug else f"{base}-{count}")
    return found


def broken_links(root: Path) -> list[str]:
    """Every relative link of root/README.md and root/docs/**/*.md that does not resolve: a missing file,
    a missing #anchor, or a page of docs/ pointing outside docs/ (MkDocs cannot follow it)."""
    docs = root / "docs"
    pages = [root / "README.md", *sorted(docs.rglob("*.md"))]
    problems = []
    for page in pages:
        if not page.is_file():
            continue
        for number, line in _prose_lines(page.read_text(encoding="utf-8")):
            for match in LINK.finditer(line):
                target = match.group("target")
                if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):  # https:, mailto:...
                    continue
                where = f"{page.relative_to(root)}:{number}: ({target})"
                file_part, _, anchor = target.partition("#")
                destination = (page.parent / file_part).resolve() if file_part else page
                if docs in page.parents and docs.resolve() not in destination.parents and destination != docs:
                    problems.append(f"{where} leaves docs/")
                    continue
                if not destination.exists():
                    problems.append(f"{where} no such file")
                    continue
                if anchor and destination.suffix == ".md" and anchor not in anchors(destination):
                    problems.append(f"{where} no heading #{anchor} in {destination.relative_to(root.resolve())}")
    return problems


def _nav_pages(nav) -> list[str]:
    pages = []
    for entry in nav:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        pages.extend(_nav_pages(value) if isinstance(value, list) else [value])
    return pages


def test_the_manual_has_no_broken_internal_link():
    assert broken_links(ROOT) == []


def test_it_reports_a_planted_broken_link_naming_the_file_and_the_link(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "README.md").write_text(
        "# Home\n\nSee [loans](docs/loans.md#renewals) and [gone](docs/gone.md).\n\n"
        "```sh\n[not a link](docs/in-code.md)\n```\n"
    )
    (tmp_path / "docs" / "loans.md").write_text(
        "# Loans\n\n## Renewals\n\nBack to [the top](#loans), [the API](api.md#no-such-heading), "
        "[outside](../pyproject.toml) and `[in code](nowhere.md)`.\n"
    )
    (tmp_path / "docs" / "api.md").write_text("# API\n")
    (tmp_path / "pyproject.toml").write_text("")

    assert broken_links(tmp_path) == [
        "README.md:3: (docs/gone.md) no such file",
        "docs/loans.md:5: (api.md#no-such-heading) no heading #no-such-heading in docs/api.md",
        "docs/loans.md:5: (../pyproject.toml) leaves docs/",
    ]


def test_slugs_follow_mkdocs_and_github():
    title = "Frontend: the participant's loan card, the `/desk/` (staff)"
    assert mkdocs_slug(title) == "frontend-the-participants-loan-card-the-desk-staff"
    assert github_slug("Production in brief") == "production-in-brief"


def test_the_readme_is_a_front_page_with_the_two_commands_at_its_top():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines; move text to docs/"
    first_fence = next(i for i, line in enumerate(lines) if FENCE.match(line))
    assert first_fence < 20, "the two commands must be the README's first code block, near its top"
    commands = [line.split("#")[0].strip() for line in lines[first_fence + 1 : first_fence + 3]]
    assert commands == ["make run", "make test"]


def test_every_page_is_built_and_on_the_readmes_map():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    assert config["strict"] is True
    in_nav = _nav_pages(config["nav"])
    on_disk = sorted(str(p.relative_to(ROOT / "docs")) for p in (ROOT / "docs").rglob("*.md"))
    assert sorted(in_nav) == on_disk
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    mapped = {m.group("target").partition("#")[0] for m in LINK.finditer(readme)}
    assert {f"docs/{page}" for page in on_disk if page != "index.md"} <= mapped


def test_no_code_points_at_a_readme_section_that_moved_to_docs():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    pointers = []
    for name in tracked:
        path = ROOT / name
        if (
            name == "README.md"
            or name.startswith("docs/")
            or path.suffix not in {".py", ".yml", ".html", ".txt", ".example", ""}
        ):
            continue
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="ignore")
            pointers += [f"{name}: {m.group(0)}" for m in re.finditer(r"README \"[^\"]+\"", text)]
    assert pointers == [], "point at the docs/ page instead"


def test_the_makefile_builds_the_manual_strictly():
    makefile = (ROOT / "Makefile").read_text()
    target = re.search(r"^docs:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert target and "mkdocs build --strict" in target.group(1)


@pytest.mark.skipif(
    shutil.which("mkdocs", path=str(Path(sys.executable).parent)) is None,
    reason="mkdocs is not installed (pip install -e '.[docs]', or make docs)",
)
def test_mkdocs_builds_the_manual_without_a_warning(tmp_path):
    mkdocs = shutil.which("mkdocs", path=str(Path(sys.executable).parent))
    result = subprocess.run(
        [mkdocs, "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    assert (tmp_path / "site" / "architecture.html").is_file()
