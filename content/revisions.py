"""An article's revisions: its saves as django-simple-history records them, and what
changed between two of them, as the admin and the API show it.

A revision is the article as it stood after save number N (`Article.revision`). Tags
are saved after their article (the admin's form, `tags.set()`), and the history records
each tag change as a record of its own with the same number: the last record of each
number is that revision, tags included.
"""

import difflib
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from content.models import Article

HistoricalArticle = Article.history.model
# The tags of each record, a row each (the reverse relation of the history's tag table).
RECORD_TAGS = "historicalarticle_tags_set"
HistoricalTag = HistoricalArticle._meta.get_field("historicalarticle_tags").related_model

# What a comparison shows and a restore puts back, in the change form's order.
COMPARED = [
    "title",
    "slug",
    "author",
    "summary",
    "body",
    "tags",
    "status",
    "published_at",
    "is_featured",
    "cover_image",
    "cover_alt",
    "seo_description",
]
# Lines of unchanged body kept around each change in a comparison.
CONTEXT_LINES = 2


def revisions_of(article: Article) -> QuerySet:
    """The article's revisions, newest first, with who saved them and their tags."""
    later_record_of_same_revision = HistoricalArticle.objects.filter(
        id=OuterRef("id"), revision=OuterRef("revision"), history_id__gt=OuterRef("history_id")
    )
    return (
        HistoricalArticle.objects.filter(id=article.pk)
        .exclude(history_type="-")
        .exclude(Exists(later_record_of_same_revision))
        .select_related("history_user", "author")
        .prefetch_related(
            Prefetch(
                RECORD_TAGS,
                queryset=HistoricalTag.objects.select_related("tag").order_by("tag__name"),
            )
        )
        .order_by("-revision", "-history_id")
    )


def tag_names(record) -> list[str]:
    return [row.tag.name for row in getattr(record, RECORD_TAGS).all() if row.tag is not None]


@dataclass(frozen=True)
class BodyLine:
    kind: str  # "same", "added", "removed", or "gap" (unchanged lines left out)
    text: str


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str
    body_lines: tuple[BodyLine, ...] = ()


def changed_fields(older, newer) -> list[str]:
    """The names of the COMPARED fields that differ between two records, in COMPARED order."""
    delta = newer.diff_against(older, excluded_fields=["tags"], included_fields=COMPARED)
    changed = set(delta.changed_fields)
    if tag_names(older) != tag_names(newer):
        changed.add("tags")
    return [name for name in COMPARED if name in changed]


def compare(older, newer) -> list[FieldChange]:
    """Field by field, what changed from `older` to `newer` (records of one article):
    values as people read them, and the body as a line diff."""
    changes = []
    for name in changed_fields(older, newer):
        label = Article._meta.get_field(name).verbose_name
        if name == "body":
            changes.append(
                FieldChange(name, label, "", "", tuple(body_diff(older.body, newer.body)))
            )
        else:
            changes.append(FieldChange(name, label, readable(older, name), readable(newer, name)))
    return changes


def body_diff(old: str, new: str) -> list[BodyLine]:
    """Changed lines with a little context; runs of unchanged lines become one gap."""
    lines = []
    for line in difflib.unified_diff(
        old.splitlines(), new.splitlines(), n=CONTEXT_LINES, lineterm=""
    ):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            # Each hunk after unchanged lines left out; none before a change at the top.
            if not line.startswith(("@@ -1,", "@@ -0,", "@@ -1 ")):
                lines.append(BodyLine("gap", "…"))
        elif line.startswith("+"):
            lines.append(BodyLine("added", line[1:]))
        elif line.startswith("-"):
            lines.append(BodyLine("removed", line[1:]))
        else:
            lines.append(BodyLine("same", line[1:]))
    return lines


def readable(record, name) -> str:
    if name == "tags":
        return ", ".join(tag_names(record)) or "—"
    if name == "author":
        return record.author.public_name if record.author else "—"
    if name == "status":
        return record.get_status_display()
    if name == "is_featured":
        return "Yes" if record.is_featured else "No"
    value = getattr(record, name)
    if name == "published_at":
        return date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else "—"
    return str(value) if value not in (None, "") else "—"


def with_changed_fields(records) -> list:
    """`records` newest first (revisions_of), each given `changed` (the names of the
    fields it changed against the revision before it; none for the first)."""
    records = list(records)
    for newer, older in zip(records, [*records[1:], None], strict=True):
        newer.changed = changed_fields(older, newer) if older is not None else []
    return records


@dataclass(frozen=True)
class EditConflictNotice:
    """Who saved an article since an editor opened it, when, and what they changed."""

    saved_by: str
    saved_at: object
    revision: int
    # None when the revision the editor started from is not recorded (an article made
    # in bulk, such as the demo's, has a history from its first save on).
    changes: list[FieldChange] | None


def conflict_notice(*, article_id: int, based_on: int | None) -> EditConflictNotice:
    """The article's current revision against revision `based_on`, the one an editor's
    form or client started from (compared with the oldest recorded when it is missing)."""
    revisions = revisions_of(Article(pk=article_id))
    # From `based_on` on; all of them when the form's number is none of theirs.
    records = list(revisions.filter(revision__gte=based_on or 0)) or list(revisions)
    current = records[0]
    started_from = next((r for r in records if r.revision == based_on), records[-1])
    return EditConflictNotice(
        saved_by=saved_by(current),
        saved_at=current.history_date,
        revision=current.revision,
        changes=compare(started_from, current) if started_from is not current else None,
    )


def saved_by(record) -> str:
    return record.history_user.public_name if record.history_user else "a script (no user)"
