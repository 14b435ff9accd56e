"""An article's neighbours in publication order: the article just before and after it,
ties on the publication time broken by id, drafts and scheduled articles never."""

from datetime import timedelta

import pytest
from django.utils import timezone

from content.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_neighbours_follow_publication_order_with_ties_broken_by_id():
    at = timezone.now() - timedelta(days=2)
    first, second, third = (ArticleFactory(published_at=at) for _ in range(3))
    earlier = ArticleFactory(published_at=at - timedelta(hours=1))
    later = ArticleFactory(published_at=at + timedelta(hours=1))
    ArticleFactory(draft=True)
    ArticleFactory(scheduled=True)

    order = [earlier, first, second, third, later]
    for before, article, after in zip(order, order[1:], order[2:], strict=False):
        assert Article.objects.published_before(article).first() == before
        assert Article.objects.published_after(article).first() == after
    assert Article.objects.published_before(earlier).first() is None
    assert Article.objects.published_after(later).first() is None
