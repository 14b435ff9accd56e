"""Covers become django-pictures fields (renditions). SQLite alters the column by
rebuilding content_article, which drops the search index's triggers: made again here, as
0010 does."""

import importlib

import pictures.models
from django.db import migrations, models

import content.pictures

article_revision = importlib.import_module("content.migrations.0010_article_revision")


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0015_accounts"),
    ]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="cover_image",
            field=pictures.models.PictureField(
                aspect_ratios=[None, "40/21"],
                blank=True,
                breakpoints={"l": 1200, "m": 992, "s": 768},
                container_width=1600,
                file_types=["AVIF", "WEBP", "JPEG"],
                grid_columns=4,
                height_field="cover_height",
                pixel_densities=[1],
                upload_to=content.pictures.cover_path,
                validators=[content.pictures.validate_cover],
                width_field="cover_width",
            ),
        ),
        migrations.AlterField(
            model_name="historicalarticle",
            name="cover_image",
            field=models.TextField(
                blank=True, max_length=100, validators=[content.pictures.validate_cover]
            ),
        ),
        migrations.RunPython(
            article_revision.recreate_search_triggers, article_revision.recreate_search_triggers
        ),
    ]
