"""Cover pictures: an upload through the admin, its renditions made by the real worker
(never in the request), the page and the API naming the same files, EXIF gone, and the
uploads the checks refuse."""

from io import BytesIO
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from content.models import Article
from tests.factories import ArticleFactory, StaffFactory, admin_article_form

GPS = 0x8825  # the EXIF GPS IFD


def jpeg(width=1700, height=1000, name="holiday.jpg"):
    """A photo carrying GPS EXIF, as phones write them."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(GPS)[2] = (51.0, 30.0, 0.0)  # GPSLatitude
    buffer = BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.django_db(transaction=True)
def test_an_admin_upload_gets_every_rendition_from_the_worker_and_page_and_api_agree(client, media):
    chief = StaffFactory(username="chief", role="Editors")
    client.force_login(chief)
    form = admin_article_form(
        title="Harbour",
        status="published",
        author=chief.pk,
        cover_alt="Boats at dusk",
        cover_image=jpeg(),
    )

    response = client.post(reverse("admin:content_article_add"), form)

    assert response.status_code == 302, soup(response).select(".errorlist")
    article = Article.objects.get()
    assert article.cover_image.name.endswith(".jpg")
    expected = article.cover_image.get_picture_files_list()
    assert len(expected) == 2 * 3 * 4  # two crops, AVIF/WebP/JPEG, 400-1600 px
    # Queued on commit, not made in the request: the page falls back to the original.
    assert not any(picture.path.exists() for picture in expected)
    page = soup(client.get(article.get_absolute_url()))
    assert page.select_one(".article__cover img")["src"] == article.cover_image.url
    assert client.get("/api/v1/articles/harbour/").json()["cover"]["renditions"] == []

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    for picture in expected:
        with Image.open(picture.path) as made:
            assert made.format == picture.file_type
            # Pillow's thumbnail() (the own-ratio crop) may round a pixel or two down.
            assert picture.width - 3 <= made.width <= picture.width
            assert not made.getexif()  # no maker, no location
    api = client.get("/api/v1/articles/harbour/").json()["cover"]["renditions"]
    page = soup(client.get(article.get_absolute_url()))
    srcsets = {source["type"]: source["srcset"] for source in page.select(".article__cover source")}
    img = page.select_one(".article__cover img")
    srcsets["image/jpeg"] = img["srcset"]
    assert img["fetchpriority"] == "high"
    assert not img.has_attr("loading")
    assert img["alt"] == "Boats at dusk"
    for kind, srcset in srcsets.items():
        in_api = [
            f"{urlsplit(r['url']).path} {r['width']}w"
            for r in api
            if f"image/{r['format']}" == kind
        ]
        assert srcset.split(", ") == in_api
    assert {(r["width"], r["format"]) for r in api} == {
        (w, f) for w in (400, 800, 1200, 1600) for f in ("avif", "webp", "jpeg")
    }
    og = {m["property"]: m["content"] for m in page.select("meta[property^='og:image']")}
    assert og["og:image"].endswith("/40_21/1200w.jpeg")
    assert (og["og:image:width"], og["og:image:height"]) == ("1200", "630")
    assert page.select_one("meta[name='twitter:card']")["content"] == "summary_large_image"
    card = soup(client.get("/")).select_one(".article-card__cover img")
    assert card["loading"] == "lazy"
    assert card["width"]
    assert card["height"]


def bomb():
    """A small PNG that decodes to more pixels than COVER_MAX_PIXELS."""
    buffer = BytesIO()
    Image.new("1", (8000, 8000)).save(buffer, format="PNG")
    return SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            lambda: SimpleUploadedFile("cat.jpg", b"<?php echo 1; ?>", content_type="image/jpeg"),
            "not an image",
        ),
        (bomb, "too many pixels"),
        (lambda: jpeg(name="big.jpg"), "too large"),
    ],
    ids=["not-an-image", "bomb", "oversized"],
)
@pytest.mark.django_db
def test_the_admin_refuses_what_is_not_a_safe_image_with_a_message(
    client, media, settings, upload, message
):
    settings.COVER_MAX_BYTES = 1000 if message == "too large" else settings.COVER_MAX_BYTES
    client.force_login(StaffFactory(username="chief", role="Editors"))
    form = admin_article_form(title="Harbour", cover_alt="Boats", cover_image=upload())

    response = client.post(reverse("admin:content_article_add"), form)

    assert response.status_code == 200
    errors = soup(response).select_one(".field-cover_image .errorlist").text
    assert message in errors
    assert not Article.objects.exists()
    assert not any(media.rglob("*.*"))


@pytest.mark.django_db
def test_a_cover_without_renditions_yet_shows_the_original_on_cards_and_the_page(client, media):
    article = ArticleFactory(cover_image=jpeg(800, 600), cover_alt="A teal field")

    home = client.get("/")
    page = client.get(article.get_absolute_url())

    assert home.status_code == page.status_code == 200
    for response in (home, page):
        img = soup(response).select_one("picture img")
        assert (img["src"], img["width"], img["height"]) == (
            article.cover_image.url,
            "800",
            "600",
        )
        assert not soup(response).select("picture source")
