"""Reading rendered pages the way a browser or crawler would, instead of matching strings."""

import json

from bs4 import BeautifulSoup


def soup(response):
    """The page as a browser shows it: without the contents of <template> elements, which
    are inert markup for the JavaScript to clone (an empty article card, the comment form
    a visitor gets on signing in), not part of the page."""
    page = BeautifulSoup(response.content.decode(), "html.parser")
    for template in page.find_all("template"):
        template.decompose()
    return page


def templates(response):
    """The <template> elements of a page, by their `data-template` or `data-auth-template`
    name, each parsed on its own."""
    page = BeautifulSoup(response.content.decode(), "html.parser")
    return {
        template.get("data-template") or template.get("data-auth-template"): template
        for template in page.find_all("template")
    }


def listed_article_paths(response):
    """The article links of the cards on a list page, in order."""
    return [link["href"] for link in soup(response).select(".article-card__title a")]


def structured_data(response):
    """The page's JSON-LD objects."""
    return [
        json.loads(script.string)
        for script in soup(response).find_all("script", type="application/ld+json")
    ]


def meta_content(response, *, name=None, prop=None):
    attrs = {"name": name} if name else {"property": prop}
    tag = soup(response).find("meta", attrs=attrs)
    return tag["content"] if tag else None


def link_href(response, rel, **attrs):
    tag = soup(response).find("link", rel=rel, attrs=attrs)
    return tag["href"] if tag else None
