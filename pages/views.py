"""The HTML face: views parse the request, ask content/ for data, and render."""

from django.shortcuts import get_object_or_404, render

from content.models import Article, Comment

HOME_ARTICLE_COUNT = 20


def home(request):
    articles = Article.objects.published().for_listing().newest_first()[:HOME_ARTICLE_COUNT]
    return render(request, "pages/home.html", {"articles": articles})


def article_detail(request, slug):
    article = get_object_or_404(
        Article.objects.visible_to(request.user).with_author_and_tags(), slug=slug
    )
    comments = (
        Comment.objects.visible_to(request.user)
        .filter(article=article)
        .select_related("author")
        .oldest_first()
    )
    return render(request, "pages/article_detail.html", {"article": article, "comments": comments})
