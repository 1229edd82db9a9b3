"""Audit the installed dependencies for known vulnerabilities with pip-audit.

Fails (exit 1) when a dependency has a known vulnerability. When the vulnerability service cannot be
reached, or answers for none of the packages (a registry mirror without PyPI's JSON API says "not found"
for every one), nothing was audited: that is said plainly and the exit is 0, so CI does not fail for the
network alone. Any other pip-audit failure fails.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

VENV_BIN = Path(__file__).resolve().parent.parent / ".venv" / "bin"


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "audit.json"
        command = [
            str(VENV_BIN / "pip-audit"),
            "--local",
            "--skip-editable",
            "--progress-spinner",
            "off",
            "--timeout",
            "20",
            "--format",
            "json",
            "--output",
            str(report),
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=600)
        if not report.exists() or not report.read_text().strip():
            network = any(
                word in result.stderr for word in ("ConnectionError", "Max retries", "NameResolution", "timed out")
            )
            if network:
                print("pip-audit: NOT AUDITED: the vulnerability service could not be reached from this machine.")
                print(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "")
                return 0
            print(result.stdout + result.stderr)
            print(f"pip-audit: failed ({result.returncode})")
            return 1
        data = json.loads(report.read_text())
    code, lines = summarize(data)
    print("\n".join(lines))
    return code


def summarize(data: dict) -> tuple[int, list[str]]:
    """Exit code and report lines for pip-audit's JSON report."""
    dependencies = [d for d in data.get("dependencies", []) if "editable" not in d.get("skip_reason", "")]
    audited = [d for d in dependencies if "skip_reason" not in d]
    vulnerable = [d for d in audited if d.get("vulns")]
    lines = []
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
            lines.append(f"pip-audit: {dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixes})")
    if vulnerable:
        lines.append(f"pip-audit: {len(vulnerable)} vulnerable package(s) of {len(audited)} audited")
        return 1, lines
    if not audited:
        reasons = {d.get("skip_reason", "").split(":")[0] for d in dependencies}
        lines.append(
            f"pip-audit: NOT AUDITED: the vulnerability service answered for none of the {len(dependencies)} "
            f"packages ({'; '.join(sorted(reasons))}). The registry reached from here has no vulnerability data; "
            "run `.venv/bin/pip-audit --local` where pypi.org's JSON API (or OSV) is reachable."
        )
        return 0, lines
    skipped = len(dependencies) - len(audited)
    lines.append(f"pip-audit: no known vulnerabilities in {len(audited)} packages ({skipped} could not be audited)")
    return 0, lines


if __name__ == "__main__":
    sys.exit(main())
