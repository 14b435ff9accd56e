"""Demo covers, drawn with Pillow (no downloads): two pictures shared by all the demo
articles (by topic), so 100,000 articles cost two pictures and their 36 renditions, made
once per MEDIA_ROOT (AVIF encoding is most of a first seed_demo's time)."""

from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw

from content.models import Article
from content.pictures import make_renditions
from demo.generate import TOPICS

SIZE = (1200, 750)  # renditions 400, 800 and 1200 px wide, in both crops
PICTURES = 2
# Every tenth article has no cover: lists and pages show both cases.
WITHOUT_COVER_EVERY = 10
PALETTES = (
    ("#1d3557", "#457b9d", "#f1faee"),
    ("#264653", "#2a9d8f", "#e9c46a"),
    ("#3d405b", "#e07a5f", "#f2cc8f"),
    ("#22223b", "#4a4e69", "#c9ada7"),
    ("#283618", "#606c38", "#fefae0"),
    ("#03045e", "#0077b6", "#90e0ef"),
    ("#5f0f40", "#9a031e", "#fb8b24"),
    ("#2b2d42", "#8d99ae", "#edf2f4"),
)


def _draw(number):
    """Hills under a sun on a two-tone sky: flat shapes, which compress as a photo would
    not, but show crops and sizes plainly."""
    sky, hills, sun = PALETTES[number % len(PALETTES)]
    width, height = SIZE
    image = Image.new("RGB", SIZE, sky)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height // 2, width, height), fill=hills)
    x = width * (2 + number % 5) // 8
    draw.ellipse((x - 100, 120, x + 100, 320), fill=sun)
    for step in range(4):
        top = height // 2 + step * 70 - 40
        draw.polygon(
            [(0, height), (width * step // 4, top), (width * (step + 2) // 4, height)],
            fill=hills if step % 2 else sun,
        )
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def ensure_covers():
    """{topic tag: (name, alt)} for the demo pictures, drawing and making the renditions
    (through the renditions task's own code) of any that are missing."""
    made = {}
    for number in range(PICTURES):
        name = f"covers/demo/drawing-{number}.jpg"
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(_draw(number)))
        holder = Article(cover_image=name, cover_width=SIZE[0], cover_height=SIZE[1])
        missing = [
            picture.deconstruct()
            for picture in holder.cover_image.get_picture_files_list()
            if not default_storage.exists(picture.name)
        ]
        if missing:
            make_renditions.call(storage=default_storage.deconstruct(), file_name=name, new=missing)
        made[number] = name
    return {
        topic.tag: (made[number % PICTURES], f"A drawing of hills under a sun, for {topic.tag}")
        for number, topic in enumerate(TOPICS)
    }
