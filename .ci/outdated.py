"""`make outdated`: the pins of requirements*.txt and package.json that are behind.

For each exact pin it asks the package index the machine's pip and npm are configured
for (`pip index versions`, `npm view`) and prints the pins with a newer patch release of
their own line (same version but for the last number: Django 5.2.x, lighthouse 12.8.x)
and those with a newer release of any kind, which is a decision (Django stays on its LTS,
Lighthouse on 12). Exits 1 when a pin is behind the newest patch of its line, which the
README asks of every pin. Needs the network, so it is not part of `make test`.
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==([^\s;#]+)")


def python_pins():
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text().splitlines():
            if match := PIN.match(line.strip()):
                yield match.group(1), match.group(2)


def npm_pins():
    package = json.loads((ROOT / "package.json").read_text())
    yield from package.get("devDependencies", {}).items()
    yield from package.get("overrides", {}).items()


def python_versions(name):
    result = subprocess.run(  # noqa: S603 - this venv's pip, a pinned package's name
        [sys.executable, "-m", "pip", "index", "versions", name, "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"Available versions: (.+)", result.stdout)
    return found.group(1).split(", ") if found else []


def npm_versions(name):
    npm = shutil.which("npm")
    result = subprocess.run(  # noqa: S603 - npm, a pinned package's name
        [npm, "view", name, "versions", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    return json.loads(result.stdout or "[]")


def same_line(pinned, candidate):
    """Whether `candidate` is a release of `pinned`'s line: every number but the last equal."""
    line = pinned.release[:-1] or pinned.release
    return candidate.release[: len(line)] == line


def releases(versions):
    for text in versions:
        try:
            version = Version(text)
        except InvalidVersion:
            continue
        if not version.is_prerelease and not version.is_devrelease:
            yield version


def compare(name, pinned_text, versions):
    pinned = Version(pinned_text)
    known = list(releases(versions))
    if not known:
        return f"{name}: no versions found (is the index reachable?)", True
    newest_patch = max((v for v in known if same_line(pinned, v)), default=pinned)
    newest = max(known)
    if newest_patch > pinned:
        return f"{name}=={pinned}: BEHIND, newest of its line is {newest_patch}", True
    if newest > pinned:
        return f"{name}=={pinned}: newest of its line; a newer line exists: {newest}", False
    return None, False


def main():
    behind = False
    for ecosystem, pins, versions_of in (
        ("Python", python_pins(), python_versions),
        ("npm", npm_pins(), npm_versions),
    ):
        print(f"== {ecosystem} ==")
        for name, pinned in pins:
            line, is_behind = compare(name, pinned, versions_of(name))
            behind |= is_behind
            if line:
                print(line)
    print("Some pins are behind their line's newest patch." if behind else "Every pin is current.")
    return 1 if behind else 0


if __name__ == "__main__":
    sys.exit(main())
