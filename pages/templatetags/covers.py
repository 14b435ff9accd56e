from django import template

from content import pictures

register = template.Library()


@register.inclusion_tag("components/cover_picture.html")
def cover_picture(article, css_class, sizes, loading="lazy", fetchpriority=""):
    """<picture> with AVIF and WebP sources and a JPEG <img>; until the worker has made
    the renditions, the original at its own width/height (CSS bounds its display)."""
    made = pictures.renditions(article.cover_image)
    srcsets = {
        kind: ", ".join(f"{r['url']} {r['width']}w" for r in made if r["format"] == kind)
        for kind in ("avif", "webp", "jpeg")
    }
    fallback = next((r for r in made if r["format"] == "jpeg" and r["width"] >= 800), None)
    return {
        "article": article,
        "css_class": css_class,
        "sizes": sizes,
        "loading": loading,
        "fetchpriority": fetchpriority,
        "srcsets": srcsets if made else None,
        "img": fallback
        or {
            "url": article.cover_image.url,
            "width": article.cover_width,
            "height": article.cover_height,
        },
    }
