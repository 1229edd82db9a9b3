"""The floors hold: core at the bottom, then organizations, inventory, connectivity and loans, messaging and
reports, privacy, frontend, and backend (the project) on top. No package imports from a floor above it.

The contracts live in pyproject.toml ([tool.importlinter]); import-linter reads the imports as text, so
nothing is run. The test runs them on the tree, then on copies of the tree with one upward import planted,
so a contract that stopped checking would fail here too.
"""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]


def _lint(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=folder, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture
def tree_copy(tmp_path):
    """The packages' Python files and pyproject.toml, copied: a place to plant imports in."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=lambda folder, names: (
                [n for n in names if not n.endswith(".py") and not (Path(folder) / n).is_dir()] + ["__pycache__"]
            ),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _plant(tree: Path, module: str, line: str) -> None:
    path = tree / module
    path.write_text(path.read_text() + f"\n{line}  # planted\n")


def test_it_finds_no_import_running_up_the_floors():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 1 kept, 0 broken." in result.stdout


def test_the_ground_floor_imports_no_app():
    for path in (ROOT / "core").rglob("*.py"):
        for line in path.read_text().splitlines():
            words = line.split()
            if words[:1] in (["import"], ["from"]) and len(words) > 1:
                top = words[1].split(".")[0]
                assert top not in set(PACKAGES) - {"core"}, f"{path.relative_to(ROOT)}: {line.strip()}"


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("core/errors.py", "import organizations.models", "core is not allowed to import organizations"),
        ("organizations/selectors.py", "from loans.models import Loan", "organizations is not allowed to import loans"),
        ("inventory/models.py", "import backend.urls", "inventory is not allowed to import backend"),
        ("messaging/selectors.py", "from reports import services", "messaging is not allowed to import reports"),
        ("connectivity/models.py", "import loans.models", "connectivity is not allowed to import loans"),
        ("core/db.py", "from backend import settings", "core is not allowed to import backend"),
        ("loans/services/checkout.py", "import messaging.models", "loans is not allowed to import messaging"),
    ],
)
def test_it_fails_on_a_planted_upward_import(tree_copy, module, line, broken):
    assert _lint(tree_copy).returncode == 0  # the copy itself is clean
    _plant(tree_copy, module, line)
    result = _lint(tree_copy)
    assert result.returncode == 1, result.stdout
    assert "floors BROKEN" in result.stdout
    assert broken in result.stdout, result.stdout


def test_an_import_one_floor_down_is_allowed(tree_copy):
    _plant(tree_copy, "loans/selectors.py", "import connectivity.models")
    _plant(tree_copy, "organizations/models.py", "from core.api import rows")
    _plant(tree_copy, "frontend/forms.py", "import reports.models")
    assert _lint(tree_copy).returncode == 0


def test_a_layer_naming_no_package_is_refused_naming_it(tree_copy):
    pyproject = tree_copy / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"inventory",\n', '"inventroy",\n', 1))
    result = _lint(tree_copy)
    assert result.returncode != 0
    assert "inventroy" in result.stdout + result.stderr


def test_no_upward_import_is_excused():
    """The floors hold without exceptions: work a lower floor needs from a higher one goes through
    core.ports (a checkout's SMS, a STOP reply's consent), so the contract lists no ignored import."""
    contract = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"][0]
    assert "ignore_imports" not in contract
    assert contract["layers"][0] == "backend" and contract["layers"][-1] == "core"
