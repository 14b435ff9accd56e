"""Reading rendered pages the way a browser or crawler would, instead of matching strings."""

import json

from bs4 import BeautifulSoup


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


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
