"""The site's JavaScript as files: its size budget, the house rules it keeps, and the
hashed names production serves it under."""

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

JS_DIR = Path(settings.BASE_DIR) / "static" / "js"
# All of the site's JavaScript together, gzipped as whitenoise serves it (level 9).
BUDGET_BYTES = 12 * 1024


def modules():
    return sorted(JS_DIR.glob("*.js"))


def gzipped_size(path):
    return len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


def test_all_javascript_together_is_at_most_12_kb_gzipped(record_property):
    sizes = {path.name: gzipped_size(path) for path in modules()}
    total = sum(sizes.values())
    record_property("javascript_gzipped_bytes", total)

    assert sizes, "no JavaScript found"
    assert total <= BUDGET_BYTES, f"{total} bytes gzipped, over {BUDGET_BYTES}: {sizes}"


# The admin's modules (static/js/admin/) keep the same rules; only readers' count in the budget.
@pytest.mark.parametrize(
    "path", sorted(JS_DIR.rglob("*.js")), ids=lambda path: str(path.relative_to(JS_DIR))
)
def test_javascript_builds_no_markup_from_strings_and_hard_codes_no_api_address(path):
    source = path.read_text()
    # Markup comes from the server's <template>s; text goes in with textContent.
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", source)
    # Addresses come from the page (data- attributes) and from the API's own links.
    assert "/api/" not in source
    # No eval in any form, for the Content-Security-Policy to come.
    assert not re.search(r"\beval\(|new Function\(|setTimeout\(\s*['\"`]", source)


def test_collectstatic_gives_modules_hashed_names_and_rewrites_their_imports(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "project.storage.StaticFilesStorage"},
    }
    # The site's own static files; the apps' (admin, DRF) are the same for every site,
    # and compressing them took most of this test's time.
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    call_command("collectstatic", "--noinput", verbosity=0)

    hashed = [p for p in tmp_path.glob("js/*.js") if re.fullmatch(r"\w+\.[0-9a-f]{12}\.js", p.name)]
    assert sorted(p.name.split(".")[0] for p in hashed) == [p.stem for p in modules()]
    imports = {p.name: re.findall(r'from\s*"([^"]+)"', p.read_text()) for p in hashed}
    assert sum(map(len, imports.values())) >= len(modules()) - 1  # each module is imported
    for module, names in imports.items():
        for name in names:
            assert re.fullmatch(r"\./\w+\.[0-9a-f]{12}\.js", name), (module, name)
            assert (tmp_path / "js" / name).exists()
