"""Covers are sized for the screen and shift nothing: on a phone (412 px, Lighthouse's
mobile device) and a desktop (1,350 px) the home and article pages load AVIF renditions,
never an original, and their layout never moves (width and height on every <img>). The
image bytes of each page and width are printed at the end of the run."""

import pytest

IMAGE_PAGES = ["home", "detail"]
# Width, device pixel ratio: Lighthouse's emulated phone, and a common laptop.
VIEWPORTS = {412: 1.75, 1350: 1}

LAYOUT_SHIFT = """() => new Promise(resolve => {
    let total = 0;
    new PerformanceObserver(list => {
        for (const entry of list.getEntries()) total += entry.value;
    }).observe({type: "layout-shift", buffered: true});
    setTimeout(() => resolve(total), 500);
})"""


@pytest.mark.parametrize("width", VIEWPORTS)
@pytest.mark.parametrize("page", IMAGE_PAGES)
def test_covers_are_renditions_and_shift_nothing(page, width, live_site, chromium, image_bytes):
    context = chromium.new_context(
        viewport={"width": width, "height": 900}, device_scale_factor=VIEWPORTS[width]
    )
    images = []
    try:
        tab = context.new_page()
        tab.on(
            "requestfinished",
            lambda request: (
                request.resource_type == "image"
                and images.append((request.url, request.sizes()["responseBodySize"]))
            ),
        )
        tab.goto(live_site.page_url(page), wait_until="networkidle")
        shift = tab.evaluate(LAYOUT_SHIFT)
    finally:
        context.close()
    covers = [(url, size) for url, size in images if "/media/" in url]
    assert covers, f"{live_site.paths[page]} at {width} px loaded no cover"
    # Chromium takes the AVIF <source>: anything else is an original or a fallback.
    not_renditions = [url for url, _size in covers if not url.endswith(".avif")]
    assert not not_renditions, f"sent instead of AVIF renditions: {not_renditions}"
    assert shift == 0, f"{live_site.paths[page]} at {width} px: layout shift {shift}"
    image_bytes[page, width] = (sum(size for _url, size in images), len(images))
