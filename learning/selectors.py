"""Reads of the Learning Portal. `learning_items_visible_to(user)` is the one place that decides who reads
an item; every list, page, search and API endpoint (the cascade's and the checks' too) starts from it.

- A published or closed item: everyone signed in with a staff role (practitioners included). Learning is
  read across the organisation (3.1), which is why an item never identifies a child (learning.identifiers).
- A draft: its author, the person responsible for it, the Learning and Development and Policy leads,
  NIS reviewers, Core CMT, the CEO and Operational Directors.
Board members, the Chair, PQC members and administrators hold no staff role here: the PQC reads the
quarterly report, not the portal, and an administrator reads no content by virtue of that role.
"""

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from actions.choices import FINISHED_ACTION_STATUSES
from actions.models import Action
from organisation.choices import Role
from organisation.selectors import access_for

from .choices import ItemStatus, Rung
from .models import ItemEvent, LearningItem

NON_STAFF_ROLES = frozenset({Role.BOARD_MEMBER, Role.CHAIR, Role.PQC_MEMBER, Role.ADMINISTRATOR})
DRAFT_READERS = (Role.LEARNING_LEAD, Role.POLICY_LEAD, Role.NIS_REVIEWER, Role.CMT_MEMBER, Role.CEO, Role.OPERATIONAL_DIRECTOR)


def is_staff_member(user) -> bool:
    return bool(access_for(user).roles - NON_STAFF_ROLES)


def learning_items_visible_to(user) -> QuerySet[LearningItem]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return LearningItem.objects.none()
    access = access_for(user)
    if access.has(*DRAFT_READERS):
        return LearningItem.objects.all()
    condition = Q(author_id=user.pk) | Q(responsible_id=user.pk)
    if is_staff_member(user):
        condition |= ~Q(status=ItemStatus.DRAFT)
    return LearningItem.objects.filter(condition)


def _open_action_overdue():
    return Exists(
        Action.objects.filter(learning_item=OuterRef("pk"), due_date__lt=timezone.localdate()).exclude(
            status__in=FINISHED_ACTION_STATUSES
        )
    )


def learning_item_list(user) -> QuerySet[LearningItem]:
    """Visible items with what a list row shows, in a fixed number of queries."""
    return (
        learning_items_visible_to(user)
        .select_related("origin", "service_area", "function", "responsible")
        .prefetch_related("themes")
        .annotate(overdue=_open_action_overdue())
    )


def learning_items_search(queryset: QuerySet[LearningItem], text: str) -> QuerySet[LearningItem]:
    """Items whose title, headings, origin or themes match `text`: full text on PostgreSQL (the GIN index
    of migration 0001), every word as a substring on SQLite."""
    text = (text or "").strip()
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        return queryset.annotate(search=SearchVector("search_document", config="english")).filter(
            search=SearchQuery(text, config="english", search_type="websearch")
        )
    for word in text.split()[:10]:
        queryset = queryset.filter(search_document__icontains=word)
    return queryset


def learning_items_filtered(user, *, source="", area="", theme="", rung="", overdue=False, q="") -> QuerySet:
    """The portal list with its filters (source, area, theme, ladder position, overdue) and search."""
    items = learning_item_list(user)
    if source:
        items = items.filter(origin__source=source)
    if area.startswith("sa-") and area[3:].isdigit():
        items = items.filter(service_area_id=int(area[3:]))
    elif area.startswith("cf-") and area[3:].isdigit():
        items = items.filter(function_id=int(area[3:]))
    if theme.isdigit():
        items = items.filter(themes__id=int(theme))
    if rung in Rung.values:
        items = items.filter(rung=rung)
    if overdue:
        items = items.filter(overdue=True)
    return learning_items_search(items, q)


def learning_item_detail(user, pk: int) -> LearningItem:
    """One visible item with everything its page shows; Http404 outside the person's reading."""
    from django.shortcuts import get_object_or_404

    queryset = (
        learning_item_list(user)
        .select_related("author", "incident", "closed_by")
        .prefetch_related(
            Prefetch("events", queryset=ItemEvent.objects.select_related("actor")),
            Prefetch("actions", queryset=Action.objects.select_related("owner")),
        )
        .annotate(carried_count=Count("carried_actions", distinct=True))
    )
    return get_object_or_404(queryset, pk=pk)


def item_actions_all_done(item: LearningItem) -> bool:
    actions = Action.objects.filter(learning_item=item)
    return actions.exists() and not actions.exclude(status__in=FINISHED_ACTION_STATUSES).exists()


def learning_actions_awaiting(user) -> QuerySet[Action]:
    return (
        Action.objects.filter(owner=user, learning_item__isnull=False)
        .exclude(status__in=FINISHED_ACTION_STATUSES)
        .select_related("learning_item")
        .order_by("due_date", "id")
    )


def home_sections_for(user) -> list[dict]:
    """The home page's learning rows: the learning actions the person owns, the drafts they write, and the
    items of the area they answer for (3.6)."""
    if not is_staff_member(user):
        return []
    actions = list(learning_actions_awaiting(user)[:50])
    drafts = list(learning_item_list(user).filter(status=ItemStatus.DRAFT).filter(Q(author=user) | Q(responsible=user))[:50])
    theirs = list(learning_item_list(user).filter(responsible=user, status=ItemStatus.PUBLISHED)[:50])
    sections = [
        {
            "title": "Learning actions you own",
            "headings": ["Reference", "Action", "Where", "Due"],
            "rows": [
                {
                    "reference": a.learning_item.reference,
                    "url": a.learning_item.get_absolute_url() + "#actions",
                    "what": a.description,
                    "place": a.get_kind_display(),
                    "due": a.due_date,
                }
                for a in actions
            ],
            "empty": "You own no open learning action.",
        },
    ]
    if drafts:
        sections.append(
            {
                "title": "Learning to publish",
                "headings": ["Reference", "Learning", "Where", "Due"],
                "rows": [_row(item, "Draft: publish it once every heading is written") for item in drafts],
                "empty": "",
            }
        )
    if theirs:
        sections.append(
            {
                "title": "Learning you answer for",
                "headings": ["Reference", "Learning", "Where", "Due"],
                "rows": [_row(item, f"{item.title} ({item.get_rung_display()})") for item in theirs],
                "empty": "",
            }
        )
    return sections


def _row(item: LearningItem, what: str) -> dict:
    return {"reference": item.reference, "url": item.get_absolute_url(), "what": what, "place": item.area, "due": None}


def learning_navigation(access) -> list[tuple[str, str]]:
    """The portal in the navigation of everyone on the staff (settings.SERVICE_FEATURES)."""
    if not access.roles - NON_STAFF_ROLES:
        return []
    return [("Learning Portal", "learning:list")]
