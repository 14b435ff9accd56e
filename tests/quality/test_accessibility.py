"""Every page passes axe-core's WCAG 2.0 and 2.1 A and AA rules, in the light and the
dark colour scheme (the stylesheet has both, and contrast is checked in each)."""

import pytest

from tests.quality.conftest import PAGES
from tests.quality.tools import AXE_SCRIPT, require

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
COLOR_SCHEMES = ["light", "dark"]


@pytest.mark.parametrize("color_scheme", COLOR_SCHEMES)
@pytest.mark.parametrize("page", PAGES)
def test_page_has_no_wcag_violations(page, color_scheme, live_site, chromium):
    (axe_script,) = require(AXE_SCRIPT)
    # axe is added to the page as an inline script, which the site's policy refuses.
    context = chromium.new_context(color_scheme=color_scheme, bypass_csp=True)
    try:
        tab = context.new_page()
        response = tab.goto(live_site.page_url(page))
        if response.status != 200:
            pytest.fail(f"GET {live_site.paths[page]} answered {response.status}", pytrace=False)
        tab.add_script_tag(path=axe_script)
        results = tab.evaluate(
            """tags => axe.run(document, {
                runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]
            })""",
            WCAG_TAGS,
        )
    finally:
        context.close()
    if violations := results["violations"]:
        pytest.fail(
            f"axe, {live_site.paths[page]} ({color_scheme}): rules violated: {len(violations)}\n"
            + "\n".join(_describe(violation) for violation in violations),
            pytrace=False,
        )


def _describe(violation):
    lines = [f"  {violation['id']} ({violation['impact']}): {violation['help']}"]
    for node in violation["nodes"]:
        lines.append(f"    {' '.join(map(str, node['target']))}")
        lines.extend(f"      {line}" for line in node["failureSummary"].splitlines())
    return "\n".join(lines)
