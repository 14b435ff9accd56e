"""Cover pictures: upload checks and renditions, made by the task queue.

django-pictures (chosen for AVIF/WebP, a pluggable processor and a DRF field) names
every rendition from the original's name, ratio, width and format; its PROCESSOR setting
points here, so a save only queues the work (on commit) and no request ever resizes.
"""

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from pictures import utils
from pictures.models import PillowPicture
from PIL import Image

# Pillow format -> the extension the stored original must carry.
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif", "AVIF": "avif"}
SOCIAL_RATIO = "40/21"  # 1200x630, the size social cards expect


def check_cover(file):
    """Decode the upload (its name proves nothing); refuse non-images, files over
    COVER_MAX_BYTES and pictures over COVER_MAX_PIXELS (decompression bombs). Returns
    the decoded format."""
    if file.size > settings.COVER_MAX_BYTES:
        raise ValidationError(
            f"The image is too large: at most {settings.COVER_MAX_BYTES // 2**20} MB.",
            code="too_large",
        )
    file.seek(0)
    try:
        with Image.open(file) as image:
            if image.width * image.height > settings.COVER_MAX_PIXELS:
                raise ValidationError(
                    f"The image has too many pixels: at most "
                    f"{settings.COVER_MAX_PIXELS // 10**6} million.",
                    code="too_many_pixels",
                )
            image.verify()
            kind = image.format
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            "The image has too many pixels to be processed.", code="too_many_pixels"
        ) from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(
            "The file is not an image (JPEG, PNG, WebP, GIF or AVIF).", code="invalid_image"
        ) from None
    finally:
        file.seek(0)
    if kind not in FORMATS:
        raise ValidationError(
            "The file is not an image (JPEG, PNG, WebP, GIF or AVIF).", code="invalid_image"
        )
    return kind


def queue_renditions(**kwargs):
    """django-pictures' processor: make (and delete obsolete) renditions in the worker,
    once the upload's transaction has committed."""
    transaction.on_commit(lambda: make_renditions.enqueue(**kwargs))


@task()
def make_renditions(*, storage, file_name, sender=None, new=(), old=()):
    # What the library's own processor does, through its public Picture API: importing
    # pictures.tasks fails when django_rq is installed without RQ_QUEUES, and its
    # built-in task uses Django 6's `django.tasks`, not django-tasks.
    storage = utils.reconstruct(*storage)
    if new:
        with storage.open(file_name) as file, Image.open(file) as image:
            image = PillowPicture.pre_process(image)  # upright, sRGB; EXIF not kept
            pictures = [utils.reconstruct(*picture) for picture in new]
            # Each crop's widest JPEG last: renditions() takes it as "all made".
            for picture in sorted(pictures, key=lambda p: (p.file_type == "JPEG", p.width)):
                picture.save(image)
    for picture in old:
        utils.reconstruct(*picture).delete()
    # Cached pages and API answers named the original: every list shows covers.
    from content import versions  # here: content.versions imports the models, which import us

    versions.bump(versions.SITE)


def renditions(field_file, ratio=None):
    """The made renditions of one crop, [{url, width, height, format}], narrowest first;
    empty until the worker has made them (the widest JPEG is written last)."""
    if not field_file:
        return []
    sources = field_file.aspect_ratios[ratio]
    jpegs = sources["JPEG"]
    if not jpegs or not field_file.storage.exists(jpegs[max(jpegs)].name):
        return []
    return [
        {
            "url": picture.url,
            "width": picture.width,
            "height": picture.height or round(picture.width * field_file.height / field_file.width),
            "format": file_type.lower(),
        }
        for file_type, sizes in sources.items()
        for _, picture in sorted(sizes.items())
    ]


def cover_path(instance, filename):
    """covers/YYYY/MM/<name>.<the decoded format's extension>: the stored name never
    claims another type than the content (the web server types files by extension)."""
    kind = check_cover(instance.cover_image.file)
    return timezone.now().strftime(f"covers/%Y/%m/{PurePath(filename).stem}.{FORMATS[kind]}")


def validate_cover(value):
    check_cover(value)


def social_image(field_file):
    """The 1200x630 JPEG crop for og:image, or None until it is made."""
    made = [r for r in renditions(field_file, SOCIAL_RATIO) if r["format"] == "jpeg"]
    return next((r for r in made if r["width"] == 1200), made[-1] if made else None)


class CoverImageField(forms.ImageField):
    """The form field for covers: our checks first, so a bomb or an oversized file gets
    its own message instead of Django's generic "not an image"."""

    def to_python(self, data):
        if data not in self.empty_values:
            check_cover(data)
        return super().to_python(data)
