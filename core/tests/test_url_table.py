"""THE permission matrix: every URL of the service, as every kind of person, with the status they get.

Every named URL in config.urls (through every include(), the API too; the
Django admin and static files aside) must have a row in ROWS. A new URL
without a row fails `test_every_url_has_a_row`, so nobody adds a page
without saying who may open it.

Each row lists one or more cases (how to build the URL's arguments from the
fixture world) and, for each case, the status each person gets from a GET:
200 may read; 404 not in their sight (another team, area or region, or a
role that reads no incident); 403 sees the record but may not take the step;
405 the address only accepts a form or API write; 302 to sign-in for an
anonymous person on a page; 403 for an anonymous person on the API.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse
from django.utils import timezone

from conftest import sign_in
from core.tests.test_pages import PageParser
from incidents import services
from incidents.api.serializers import API_STEPS
from incidents.choices import Decision, Proposal
from organisation.choices import Role

pytestmark = pytest.mark.django_db

# --- who asks ----------------------------------------------------------------------------

ANON = "anonymous"
LM, AD, HOP, OD = (
    Role.LOCAL_MANAGER.value,
    Role.ASSISTANT_DIRECTOR.value,
    Role.HEAD_OF_PROFESSION.value,
    Role.OPERATIONAL_DIRECTOR.value,
)
NIS, CMT, CEO = Role.NIS_REVIEWER.value, Role.CMT_MEMBER.value, Role.CEO.value
BOARD, CHAIR, LL, PQC, ADMIN = (
    Role.BOARD_MEMBER.value,
    Role.CHAIR.value,
    Role.LEARNING_LEAD.value,
    Role.PQC_MEMBER.value,
    Role.ADMINISTRATOR.value,
)
OTHER_LM, OTHER_AD, OTHER_OD, OTHER_HOP = (f"other_{role}" for role in (LM, AD, OD, HOP))
OTHER_PLACE = (OTHER_LM, OTHER_AD, OTHER_OD, OTHER_HOP)
PEOPLE = (ANON, *(role.value for role in Role), *OTHER_PLACE)
SIGNED_IN = tuple(p for p in PEOPLE if p != ANON)

# Who reads which fixture record (incidents.selectors.incidents_visible_to).
SEES_DRAFT = (LM, AD, OD)  # the author, their area, their region
SEES_SIGNED_OFF = (LM, AD, OD, NIS, CMT, CEO)  # once Core CMT is alerted and the CR1 commissioned
WRITERS = (LM, AD, HOP, OTHER_LM, OTHER_AD, OTHER_HOP)  # those with a team, area or function to write for


def expect(default: int, *rules: tuple[tuple[str, ...], int], anonymous: int = 302) -> dict[str, int]:
    """A status for every person: `default`, then each (people, status) rule in turn, then the anonymous one."""
    statuses = dict.fromkeys(SIGNED_IN, default)
    for people, status in rules:
        for person in people:
            statuses[person] = status
    statuses[ANON] = anonymous
    return statuses


@dataclass
class Case:
    label: str
    kwargs: Callable[["World"], dict] = lambda w: {}
    expect: dict[str, int] = field(default_factory=dict)
    # For lists: this record's text appears for exactly these people (and not for the others who get 200).
    shows: Callable[["World"], str] | None = None
    shown_to: tuple[str, ...] = ()
    query: str = ""


def case(label="", kwargs=lambda w: {}, *, expect, shows=None, shown_to=(), query="") -> Case:
    return Case(label, kwargs, expect, shows, shown_to, query)


ON_SIGNED_OFF = lambda w: {"pk": w.signed_off.pk}  # noqa: E731
ON_DRAFT = lambda w: {"pk": w.draft.pk}  # noqa: E731
ON_REVIEWING = lambda w: {"pk": w.reviewing.pk}  # noqa: E731
CR1_DRAFT = lambda w: "Unfinished summary of the case review"  # noqa: E731
PUBLIC = expect(200, anonymous=200)
EVERYONE_SIGNED_IN = expect(200)
POST_ONLY = expect(405)
API_EVERYONE = expect(200, anonymous=403)
API_WRITE_ONLY = expect(405, anonymous=403)

# Who reads learning (learning.selectors.learning_items_visible_to): every member of staff, not the Board,
# the Chair, the PQC or an administrator by that role. A step's page: 404 for them, 403 for other staff.
LEARNING_HIDDEN = (BOARD, CHAIR, PQC, ADMIN)
LEARNING_SEES = tuple(p for p in SIGNED_IN if p not in LEARNING_HIDDEN)
LEARNING_READERS = expect(200, (LEARNING_HIDDEN, 404))
ON_ITEM = lambda w: {"pk": w.learning_item.pk}  # noqa: E731
ON_LEARNING_DRAFT = lambda w: {"pk": w.learning_draft.pk}  # noqa: E731
POLICY = Role.POLICY_LEAD.value
LEARNING_DRAFT_READERS = (NIS, AD, LL, POLICY, CMT, CEO, OD, OTHER_OD)


def LEARNING_STEP(*people) -> dict[str, int]:  # noqa: N802 - read as a constant of the table
    return expect(403, (LEARNING_HIDDEN, 404), (people, 200))


ROWS: dict[str, list[Case]] = {
    # --- core and sign-in
    "core:home": [case(expect=EVERYONE_SIGNED_IN)],
    "core:accessibility": [case(expect=PUBLIC)],
    "accounts:login": [case(expect=expect(302, anonymous=200))],  # signed in: sent home
    "accounts:verify": [case(expect=expect(302))],  # nothing pending: back to the password
    "accounts:set_up_authenticator": [case(expect=expect(302))],
    "accounts:logout": [case(expect=POST_ONLY)],
    "accounts:change_password": [case(expect=EVERYONE_SIGNED_IN)],
    "accounts:api_tokens": [case(expect=EVERYONE_SIGNED_IN)],
    # --- incidents: lists show each person only what they may see
    "incidents:list": [case(expect=EVERYONE_SIGNED_IN, shows=lambda w: w.signed_off.reference, shown_to=SEES_SIGNED_OFF)],
    "incidents:awaiting": [case(expect=EVERYONE_SIGNED_IN, shows=lambda w: w.with_ad.reference, shown_to=(AD,))],
    "incidents:mine": [case(expect=EVERYONE_SIGNED_IN, shows=lambda w: w.signed_off.reference, shown_to=(LM,))],
    "incidents:create": [
        case("the form each writer may write", expect=expect(403, (WRITERS, 200))),
        case("case-related", query="?kind=case", expect=expect(403, ((LM, AD, OTHER_LM, OTHER_AD), 200))),
        case("non-case", query="?kind=non_case", expect=expect(403, ((AD, HOP, OTHER_AD, OTHER_HOP), 200))),
        case("unknown kind", query="?kind=nonsense", expect=expect(404)),
    ],
    # --- incidents: one record
    "incidents:detail": [
        case("signed off", ON_SIGNED_OFF, expect=expect(404, (SEES_SIGNED_OFF, 200))),
        case("draft", ON_DRAFT, expect=expect(404, (SEES_DRAFT, 200))),
        # A CR1 being written is read only by the NIS reviewers who may write it.
        case("CR1 being written", ON_REVIEWING, expect=expect(404, (SEES_SIGNED_OFF, 200)), shows=CR1_DRAFT, shown_to=(NIS,)),
    ],
    "incidents:edit": [
        case("draft", ON_DRAFT, expect=expect(404, (SEES_DRAFT, 403), ((LM,), 200))),
        # The author is told the form can no longer be changed and sent to the record.
        case("signed off", ON_SIGNED_OFF, expect=expect(404, (SEES_SIGNED_OFF, 403), ((LM,), 302))),
    ],
    # Who has seen the record (UK GDPR): its AD and OD, Core CMT and the CEO; not the local manager or NIS, whose reads it lists.
    "incidents:seen_by": [
        case(
            "signed off",
            ON_SIGNED_OFF,
            expect=expect(404, (SEES_SIGNED_OFF, 403), ((AD, OD, CMT, CEO), 200)),
            shows=lambda w: "Looked at who has seen the record",
            shown_to=(AD, OD, CMT, CEO),
        ),
        case("draft", ON_DRAFT, expect=expect(404, (SEES_DRAFT, 403), ((AD, OD), 200))),
    ],
    "incidents:submit": [case("draft", ON_DRAFT, expect=POST_ONLY)],
    "incidents:step": [
        case(
            "CEO decision",
            lambda w: {"pk": w.signed_off.pk, "step": "ceo_decision"},
            expect=expect(404, (SEES_SIGNED_OFF, 403), ((CEO,), 200)),
        ),
        case(
            "AD analysis",
            lambda w: {"pk": w.with_ad.pk, "step": "ad_analyse"},
            expect=expect(404, (SEES_DRAFT, 403), ((AD,), 200)),
        ),
        case(
            "OD sign-off",
            lambda w: {"pk": w.with_od.pk, "step": "od_sign_off"},
            expect=expect(404, (SEES_DRAFT, 403), ((OD,), 200)),
        ),
        case(
            "learning",
            lambda w: {"pk": w.signed_off.pk, "step": "learning_record"},
            expect=expect(404, (SEES_SIGNED_OFF, 403), ((AD, OD), 200)),
        ),
        case("no such step", lambda w: {"pk": w.signed_off.pk, "step": "nonsense"}, expect=expect(404)),
    ],
    "incidents:case_review": [
        case("commissioned", ON_SIGNED_OFF, expect=expect(404, (SEES_SIGNED_OFF, 403), ((NIS,), 200))),
        case("draft: none yet", ON_DRAFT, expect=expect(404, (SEES_DRAFT, 403))),
    ],
    "incidents:action_create": [
        case("signed off", ON_SIGNED_OFF, expect=expect(404, (SEES_SIGNED_OFF, 403), ((CEO, AD, OD), 200)))
    ],
    "actions:edit": [
        # Owned by the AD, who is also accountable for it.
        case("AD's action", lambda w: {"pk": w.action.pk}, expect=expect(404, (SEES_SIGNED_OFF, 403), ((AD,), 200))),
        # A learning lead reads no incident, but updates the action given to them; the AD is accountable for it.
        case(
            "learning lead's action",
            lambda w: {"pk": w.learning_action.pk},
            expect=expect(404, (SEES_SIGNED_OFF, 403), ((AD, LL), 200)),
        ),
    ],
    # --- Board and Chair read briefings, never the record
    "incidents:briefings": [case(expect=EVERYONE_SIGNED_IN, shows=lambda w: w.briefing.title, shown_to=(BOARD, CHAIR))],
    "incidents:briefing": [
        case("shared with the Board", lambda w: {"pk": w.briefing.pk}, expect=expect(404, ((BOARD, CHAIR), 200)))
    ],
    # --- notifications: everyone's own
    "alerts:list": [case(expect=EVERYONE_SIGNED_IN, shows=lambda w: "awaits your analysis", shown_to=(AD,))],
    "alerts:read": [case("the AD's", lambda w: {"pk": w.notification.pk}, expect=POST_ONLY)],
    "alerts:read_all": [case(expect=POST_ONLY)],
    # --- documents: blank forms for everyone; a record's papers and files as its page
    "documents:index": [case(expect=EVERYONE_SIGNED_IN)],
    "documents:blank_sin": [
        case("case-related", expect=EVERYONE_SIGNED_IN),
        case("non-case", query="?kind=non_case", expect=EVERYONE_SIGNED_IN),
    ],
    "documents:blank_cr1": [case(expect=EVERYONE_SIGNED_IN)],
    "documents:import": [case(expect=expect(403, ((LM, AD, HOP, OTHER_LM, OTHER_AD, OTHER_HOP), 200)))],
    "documents:import_result": [case("imported draft", lambda w: {"pk": w.imported.pk}, expect=expect(404, (SEES_DRAFT, 200)))],
    "documents:incident_docx": [
        case("signed off", ON_SIGNED_OFF, expect=expect(404, (SEES_SIGNED_OFF, 200))),
        case("draft", ON_DRAFT, expect=expect(404, (SEES_DRAFT, 200))),
    ],
    "documents:incident_pdf": [
        case("signed off, no reviewer yet", ON_SIGNED_OFF, expect=expect(404, (SEES_SIGNED_OFF, 200))),
        case("CR1 being written", ON_REVIEWING, expect=expect(404, (SEES_SIGNED_OFF, 200))),
    ],
    "documents:attachments": [
        case(
            "signed off",
            ON_SIGNED_OFF,
            expect=expect(404, (SEES_SIGNED_OFF, 200)),
            shows=lambda w: "statement.docx",
            shown_to=SEES_SIGNED_OFF,
        ),
    ],
    "documents:attachment_download": [
        case("a file on the signed-off record", lambda w: {"pk": w.attachment.pk}, expect=expect(404, (SEES_SIGNED_OFF, 200)))
    ],
    # --- learning: the cascade (3.5) and embedding tested in practice (3.6); read by every member of staff
    "learning:cascade": [
        case("agreed", ON_ITEM, expect=LEARNING_READERS, shows=lambda w: "1 of 2 teams confirmed", shown_to=LEARNING_SEES)
    ],
    "learning:cascade_decide": [case("not yet agreed", lambda w: {"pk": w.undecided_item.pk}, expect=LEARNING_STEP(LL))],
    "learning:cascade_omt": [case(kwargs=ON_ITEM, expect=LEARNING_STEP(LL))],
    "learning:cascade_sam": [case(kwargs=ON_ITEM, expect=LEARNING_STEP(AD, OTHER_AD))],
    "learning:cascade_team": [case(kwargs=ON_ITEM, expect=LEARNING_STEP(LM, OTHER_LM))],
    "learning:staff_alert_send": [case(kwargs=ON_ITEM, expect=LEARNING_STEP(LL))],
    "learning:staff_alert": [
        case(
            "knowledge alert",
            lambda w: {"pk": w.staff_alert.pk},
            expect=LEARNING_READERS,
            shows=lambda w: "Who has acknowledged it",
            shown_to=(LL, AD),
        )
    ],
    "learning:staff_alert_acknowledge": [case("knowledge alert", lambda w: {"pk": w.staff_alert.pk}, expect=POST_ONLY)],
    "learning:checks": [case(kwargs=ON_ITEM, expect=LEARNING_READERS, shows=lambda w: "Ten case audits", shown_to=LEARNING_SEES)],
    "learning:check_record": [case(kwargs=ON_ITEM, expect=LEARNING_STEP(AD, HOP, OTHER_AD, OTHER_HOP))],
    "learning:check_evidence": [case("its file", lambda w: {"pk": w.check.pk}, expect=LEARNING_READERS)],
    "learning:progress_review_schedule": [case(kwargs=ON_ITEM, expect=LEARNING_STEP(AD))],
    "learning:progress_review_record": [case("scheduled", lambda w: {"pk": w.progress_review.pk}, expect=LEARNING_STEP(AD))],
    "learning:agenda": [
        case(expect=LEARNING_READERS, shows=lambda w: "Learning with a cascade", shown_to=(AD, HOP, OTHER_AD, OTHER_HOP))
    ],
    "learning:agenda_docx": [case("an AQR of the area", query="?area=AREA&forum=aqr", expect=LEARNING_READERS)],
    "learning:agenda_pdf": [case("an AQR of the area", query="?area=AREA&forum=aqr", expect=LEARNING_READERS)],
    "learning:embedding_due": [case(expect=LEARNING_READERS, shows=lambda w: "Learning with a cascade", shown_to=(AD,))],
    "api-learning-alerts": [
        case(expect=API_EVERYONE, shows=lambda w: w.staff_alert.title, shown_to=tuple(p for p in LEARNING_SEES if p != LL))
    ],
    "api-learning-alert-acknowledge": [case("knowledge alert", lambda w: {"pk": w.staff_alert.pk}, expect=API_WRITE_ONLY)],
    "api-learning-cascade": [case("agreed", ON_ITEM, expect=expect(200, (LEARNING_HIDDEN, 404), anonymous=403))],
    "api-learning-checks": [case(kwargs=ON_ITEM, expect=expect(200, (LEARNING_HIDDEN, 404), anonymous=403))],
    # --- the API: the same visibility; anonymous is refused
    # --- the Learning Portal's items (learning.selectors.learning_items_visible_to): published, read by the
    # staff; a draft (written by NIS, its AD responsible) by its author, the AD, the leads, CMT, the CEO and ODs
    "learning:list": [
        case(expect=expect(200, (LEARNING_HIDDEN, 403)), shows=lambda w: w.learning_item.title, shown_to=LEARNING_SEES)
    ],
    "learning:create": [case(expect=expect(403, ((NIS, LL, POLICY, AD, HOP, OTHER_AD, OTHER_HOP), 200)))],
    "learning:detail": [
        case("published", ON_ITEM, expect=LEARNING_READERS),
        case("draft", ON_LEARNING_DRAFT, expect=expect(404, (LEARNING_DRAFT_READERS, 200))),
    ],
    "learning:edit": [
        case("draft", ON_LEARNING_DRAFT, expect=expect(404, (LEARNING_DRAFT_READERS, 403), ((NIS, AD, LL, POLICY), 200)))
    ],
    "learning:publish": [
        case("draft", ON_LEARNING_DRAFT, expect=expect(404, (LEARNING_DRAFT_READERS, 403), ((NIS, AD, LL, POLICY), 200)))
    ],
    "learning:action_add": [case("published", ON_ITEM, expect=LEARNING_STEP(AD))],
    "learning:close": [case("published", ON_ITEM, expect=LEARNING_STEP(AD))],
    "learning:carry": [
        case("signed off", lambda w: {"incident_pk": w.signed_off.pk}, expect=expect(404, (SEES_SIGNED_OFF, 403), ((AD,), 200)))
    ],
    "api-learning-list": [case(expect=API_EVERYONE, shows=lambda w: w.learning_item.title, shown_to=LEARNING_SEES)],
    "api-learning-detail": [
        case("published", ON_ITEM, expect=expect(200, (LEARNING_HIDDEN, 404), anonymous=403)),
        case("draft", ON_LEARNING_DRAFT, expect=expect(404, (LEARNING_DRAFT_READERS, 200), anonymous=403)),
    ],
    "api-learning-publish": [case("draft", ON_LEARNING_DRAFT, expect=API_WRITE_ONLY)],
    "api-learning-action-create": [case("published", ON_ITEM, expect=API_WRITE_ONLY)],
    "api-learning-close": [case("published", ON_ITEM, expect=API_WRITE_ONLY)],
    "api-learning-carry": [case("signed off", ON_SIGNED_OFF, expect=API_WRITE_ONLY)],
    "api-incident-list": [case(expect=API_EVERYONE, shows=lambda w: w.signed_off.reference, shown_to=SEES_SIGNED_OFF)],
    "api-incident-detail": [
        case("signed off", ON_SIGNED_OFF, expect=expect(404, (SEES_SIGNED_OFF, 200), anonymous=403)),
        case(
            "CR1 being written",
            ON_REVIEWING,
            expect=expect(404, (SEES_SIGNED_OFF, 200), anonymous=403),
            shows=CR1_DRAFT,
            shown_to=(NIS,),
        ),
        case("draft", ON_DRAFT, expect=expect(404, (SEES_DRAFT, 200), anonymous=403)),
    ],
    # One endpoint per step: each answers POST only.
    **{f"api-step-{step}": [case("signed off", ON_SIGNED_OFF, expect=API_WRITE_ONLY)] for step in API_STEPS},
    "api-case-review": [
        case("commissioned", ON_SIGNED_OFF, expect=expect(404, (SEES_SIGNED_OFF, 200), anonymous=403)),
        case(
            "CR1 being written",
            ON_REVIEWING,
            expect=expect(404, (SEES_SIGNED_OFF, 200), anonymous=403),
            shows=CR1_DRAFT,
            shown_to=(NIS,),
        ),
        case("draft: none yet", ON_DRAFT, expect=expect(404, anonymous=403)),
    ],
    "api-action-create": [case("signed off", ON_SIGNED_OFF, expect=API_WRITE_ONLY)],
    "api-action-update": [case("AD's action", lambda w: {"pk": w.action.pk}, expect=API_WRITE_ONLY)],
    "api-incident-docx": [case("signed off", ON_SIGNED_OFF, expect=expect(404, (SEES_SIGNED_OFF, 200), anonymous=403))],
    "api-incident-pdf": [case("CR1 being written", ON_REVIEWING, expect=expect(404, (SEES_SIGNED_OFF, 200), anonymous=403))],
    "api-briefing-list": [case(expect=API_EVERYONE, shows=lambda w: w.briefing.title, shown_to=(BOARD, CHAIR))],
    # The schema and its documentation page are for the people and systems using the API (decision 0007).
    "api-schema": [case(expect=API_EVERYONE)],
    "api-docs": [case(expect=EVERYONE_SIGNED_IN)],
    # Source systems push incidents with their own bearer token; a person's session is not one.
    "api-intake-incident-create": [case(expect=expect(401, anonymous=401))],
}


# --- walking the URLconf ----------------------------------------------------------------

SKIPPED_PREFIXES = ("admin/", "static/", "media/")


def url_names(patterns=None, namespace: str = "", prefix: str = "") -> dict[str, str]:
    """Every URL name (namespaced, e.g. "incidents:detail") to its route, through every include()."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    found: dict[str, str] = {}
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found.update(url_names(pattern.url_patterns, inner, route))
        elif isinstance(pattern, URLPattern):
            # An unnamed route cannot be given a row: report it by its route.
            found[f"{namespace}{pattern.name}" if pattern.name else f"<unnamed> {route}"] = route
    return found


def urls_without_a_row(patterns=None, rows=ROWS) -> list[str]:
    return sorted(name for name in url_names(patterns) if name not in rows)


def test_every_url_has_a_row():
    missing = urls_without_a_row()
    assert not missing, f"URLs with no row in core/tests/test_url_table.py ROWS (say who may open them): {missing}"


def test_every_row_is_a_url():
    stale = sorted(set(ROWS) - set(url_names()))
    assert not stale, f"rows for URLs that no longer exist: {stale}"


def test_the_row_check_finds_a_url_without_a_row():
    def view(request):  # pragma: no cover - never requested
        raise AssertionError

    fake = [
        path("", view, name="known"),
        path("nested/", ([path("new/", view, name="fresh")], "things", "things")),
        path("nameless/", view),
        path("admin/hidden/", view, name="hidden"),
    ]
    assert url_names(fake) == {"known": "", "things:fresh": "nested/new/", "<unnamed> nameless/": "nameless/"}
    assert urls_without_a_row(fake, rows={"known": []}) == ["<unnamed> nameless/", "things:fresh"]
    assert urls_without_a_row(fake, rows={"known": [], "things:fresh": [], "<unnamed> nameless/": []}) == []


def test_the_walk_sees_the_api_and_skips_the_admin():
    names = url_names()
    assert "api-incident-list" in names
    assert "incidents:detail" in names
    assert not any(name.startswith("admin:") for name in names)


def test_every_row_gives_every_person_a_status():
    for name, cases in ROWS.items():
        for c in cases:
            assert set(c.expect) == set(PEOPLE), (name, c.label)
            assert set(c.shown_to) <= {p for p, status in c.expect.items() if status == 200}, (name, c.label)


# --- the fixture world ---------------------------------------------------------------------


class World:
    """One organisation and the records every row needs, reached through the services."""

    def __init__(self, org):
        self.org = org
        p = org.people
        lm, ad, od, ceo = p[Role.LOCAL_MANAGER], p[Role.ASSISTANT_DIRECTOR], p[Role.OPERATIONAL_DIRECTOR], p[Role.CEO]
        self.draft = services.incident_create(
            actor=lm, team=org.team, data=services.FormData(criteria=[], values={"title": "Half-written draft"})
        )
        self.with_ad = self._submitted(lm, "Awaiting the AD")
        self.with_od = self._analysed(ad, self._submitted(lm, "Awaiting the OD"))
        signed_off = self._analysed(ad, self._submitted(lm, "Signed off"))
        self.signed_off = services.incident_od_sign_off(actor=od, incident_id=signed_off.pk, expected_version=signed_off.version)
        reviewing = self._analysed(ad, self._submitted(lm, "Case review being written"))
        reviewing = services.incident_od_sign_off(actor=od, incident_id=reviewing.pk, expected_version=reviewing.version)
        services.case_review_save(
            actor=p[Role.NIS_REVIEWER],
            incident_id=reviewing.pk,
            expected_version=reviewing.version,
            values={"summary": "Unfinished summary of the case review"},
        )
        self.reviewing = reviewing
        services.incident_ceo_decide(
            actor=ceo,
            incident_id=self.signed_off.pk,
            expected_version=self.signed_off.version,
            decision=Decision.SHARE_BOARD,
            rationale="The Board should know.",
            briefing_title="Briefing for the Board on a serious incident",
            briefing_text="What the Board needs to know.",
        )
        self.signed_off.refresh_from_db()
        self.action = services.action_add(
            actor=ceo,
            incident_id=self.signed_off.pk,
            expected_version=self.signed_off.version,
            action=services.RequestedAction("Review the contact arrangements", ad, timezone.localdate() + timedelta(days=20)),
        )
        self.signed_off.refresh_from_db()
        self.learning_action = services.action_add(
            actor=ceo,
            incident_id=self.signed_off.pk,
            expected_version=self.signed_off.version,
            action=services.RequestedAction(
                "Write the training material", p[Role.LEARNING_LEAD], timezone.localdate() + timedelta(days=40)
            ),
        )
        self.signed_off.refresh_from_db()
        self.briefing = self.signed_off.briefings.get()
        self._documents(lm)
        self._learning_cascade(org)
        self.learning_draft = self._learning_draft(org)
        self.notification = ad.notifications.first()

    def _documents(self, lm):
        from documents import services as documents
        from documents.word import blank_sin_form

        self.attachment = documents.attachment_add(
            actor=lm, incident_id=self.signed_off.pk, name="statement.docx", data=blank_sin_form("case")
        )
        _, self.imported, _ = documents.incident_import_word(
            actor=lm, team=self.org.team, name="SIN form.docx", data=blank_sin_form("case")
        )

    def _learning_draft(self, org):
        """A draft learning item written by an NIS reviewer, its AD responsible."""
        from learning.models import LearningOrigin, Theme
        from learning.services import items

        return items.learning_item_create(
            actor=org.people[Role.NIS_REVIEWER],
            data=items.ItemData(
                title="A draft learning item",
                origin=LearningOrigin.objects.get(code="media"),
                service_area=org.area,
                headings={"learning_identified": "Learning."},
                themes=list(Theme.objects.filter(code="recording")),
            ),
        )

    def _learning_cascade(self, org):
        """An item cascaded part way (its OMT, one team of two), a knowledge alert, a check with its evidence file."""
        from learning.models.cascade import CascadeMethod
        from learning.models.checks import Finding, Forum
        from learning.services import cascade, checks
        from learning.tests.test_cascade_world import published_item

        p, today = org.people, timezone.localdate()
        lead, ad = p[Role.LEARNING_LEAD], p[Role.ASSISTANT_DIRECTOR]
        self.learning_item = item = published_item(org, title="Learning with a cascade")
        self.undecided_item = published_item(org, title="Learning not yet cascaded")
        cascade.cascade_decide(
            actor=lead, item_id=item.pk, methods=[CascadeMethod.MONTHLY_CASCADE, CascadeMethod.KNOWLEDGE_ALERT]
        )
        cascade.cascade_omt_record(actor=lead, item_id=item.pk, omt_date=today)
        cascade.cascade_team_confirm(actor=p[Role.LOCAL_MANAGER], item_id=item.pk, team=org.team, meeting_date=today)
        self.staff_alert = cascade.staff_alert_send(
            actor=lead,
            item_id=item.pk,
            kind=CascadeMethod.KNOWLEDGE_ALERT,
            title="Read the finding first",
            text="Read any finding of fact.",
        )
        self.check = checks.check_record(
            actor=ad,
            item_id=item.pk,
            data=checks.CheckInput(
                forum=Forum.AQR,
                area=org.area,
                checked_on=today,
                finding=Finding.PARTLY_EMBEDDED,
                evidence="Ten case audits.",
                file_name="audit.pdf",
                file_data=b"%PDF-1.4\n%%EOF\n",
            ),
        )
        self.progress_review = checks.progress_review_schedule(actor=ad, item_id=item.pk, due_date=today + timedelta(days=9))

    def _submitted(self, author, title):
        today = timezone.localdate()
        data = services.FormData(
            criteria=["child_seriously_harmed"],
            values=dict(
                title=title,
                children="A, 4",
                case_reference="ABC123",
                what_happened="What happened.",
                cafcass_involvement="Involvement.",
                immediate_actions="Actions.",
                incident_date=today - timedelta(days=3),
                aware_date=today - timedelta(days=2),
            ),
        )
        incident = services.incident_create(actor=author, team=self.org.team, data=data)
        return services.incident_submit(actor=author, incident_id=incident.pk, expected_version=incident.version)

    def _analysed(self, ad, incident):
        return services.incident_ad_analyse(
            actor=ad,
            incident_id=incident.pk,
            expected_version=incident.version,
            analysis="Meets the criteria.",
            proposal=Proposal.MEETS_SHARE,
        )

    def person(self, key: str):
        if key.startswith("other_"):
            return self.org.other[Role(key.removeprefix("other_"))]
        return self.org.people[Role(key)]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction rolled back at the end; each test runs in a savepoint."""
    from organisation.tests.factories import Org

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = World(Org())
            built.clients = {}
            for key in PEOPLE:
                built.clients[key] = Client()
                if key != ANON:
                    sign_in(built.clients[key], built.person(key))
            yield built
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


CASES = [pytest.param(name, c, id=f"{name}{' ' + c.label if c.label else ''}") for name, cases in ROWS.items() for c in cases]


@pytest.mark.parametrize(("url_name", "row"), CASES)
def test_each_person_gets_the_status_in_the_table(world, url_name, row):
    url = reverse(url_name, kwargs=row.kwargs(world)) + row.query.replace("AREA", f"area-{world.org.area.pk}")
    text = row.shows(world) if row.shows else None
    wrong = []
    for key in PEOPLE:
        response = world.clients[key].get(url)
        expected = row.expect[key]
        if response.status_code != expected:
            wrong.append(f"{key}: got {response.status_code}, expected {expected}")
            continue
        if key == ANON and expected == 302:
            assert response["Location"].startswith("/sign-in/"), url
        if expected == 200 and response["Content-Type"].startswith("text/html"):
            # The Content-Security-Policy allows no inline script: no page may need one.
            parsed = PageParser()
            parsed.feed(response.content.decode())
            if parsed.inline_script_text or parsed.handlers:
                wrong.append(f"{key}: inline script {parsed.inline_script_text[:1]} or handlers {parsed.handlers[:3]}")
        if text is not None and expected == 200:
            seen = text in response.content.decode()
            if seen != (key in row.shown_to):
                wrong.append(f"{key}: {'sees' if seen else 'does not see'} {text!r}")
    assert not wrong, f"GET {url} ({url_name}):\n  " + "\n  ".join(wrong)
