"""Every change to a learning item (source 2.7, 3.1-3.6, 4.1). Each runs in one transaction: lock the
item, check the person may, check the item's state allows it, write, record the ItemEvent and the
audit row, and enqueue the alerts.

    learning_item_create   (3.1)  a draft from any source
    learning_item_carry    (2.7, 3.2) a source-A draft from a SIN and its signed-off CR1; its actions carried
    learning_item_edit            the title, headings, area, themes, guidance
    learning_item_publish  (3.2-3.5) read across the organisation; when not covered by existing policy and
                                  practice guidance, the three actions of 3.3, 3.4 and 3.5 in the same transaction
    learning_item_action_add      a further action by the person responsible
    learning_item_move            the ladder: the only way a rung changes (the checks call it, 3.6)
    learning_item_close           at "sustained", or below it with the responsible person's rationale
"""

from dataclasses import dataclass, field
from typing import Any

import rules
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from actions.choices import FINISHED_ACTION_STATUSES, ActionKind, ActionStatus
from actions.models import Action, Strength
from actions.services import RequestedAction, action_create
from alerts.models import Notification
from alerts.services import notify
from audit.services import audit_record
from core.exceptions import NotAllowed, StaleRecord, WrongStage
from core.working_days import add_working_days
from organisation.choices import Role
from organisation.selectors import access_for, people_with_role

from ..choices import HEADINGS, RUNG_ORDER, ItemStatus, ItemStep, Rung
from ..identifiers import item_identifier_errors
from ..models import CriterionTheme, ItemEvent, LearningDeadlineSetting, LearningItem, LearningOrigin

# Working days each triggered action is given unless an administrator sets another (LearningDeadlineSetting).
DEFAULT_ACTION_DAYS = {ActionKind.TRAINING_REVIEW: 40, ActionKind.POLICY_REVIEW: 40, ActionKind.CASCADE: 15}
# The three actions of 3.3-3.5: (kind, owner's role, strength on the hierarchy of intervention effectiveness).
TRIGGERED_ACTIONS = (
    (ActionKind.TRAINING_REVIEW, Role.LEARNING_LEAD, Strength.WEAKER),
    (ActionKind.POLICY_REVIEW, Role.POLICY_LEAD, Strength.WEAKER),
    (ActionKind.CASCADE, Role.LEARNING_LEAD, Strength.WEAKER),
)
# The headings that must be written before publication; the fifth (impact on practice, and its evidence)
# is written as the evidence comes, and is needed to close at "sustained".
PUBLISH_HEADINGS = HEADINGS[:4]


@dataclass
class ItemData:
    """What a person writes on an item: its title, origin, the headings of 4.1, area, people, themes, guidance."""

    title: str
    origin: LearningOrigin | None
    headings: dict[str, str] = field(default_factory=dict)
    service_area: Any = None
    function: Any = None
    responsible: Any = None
    themes: list = field(default_factory=list)
    covered_by_guidance: bool | None = None
    covered_by: str = ""


def _lock(item_id: int, expected_version: int | None = None) -> LearningItem:
    # No select_related: PostgreSQL refuses FOR UPDATE over the nullable side of an outer join.
    item = LearningItem.objects.select_for_update().get(pk=item_id)
    if expected_version is not None and item.version != expected_version:
        raise StaleRecord("Someone else changed this learning item while you had it open. Your text is kept below.")
    return item


def _require(actor, perm: str, obj, refused: str) -> None:
    if not rules.has_perm(perm, actor, obj):
        raise NotAllowed(refused)


def _event(item, *, actor, step, text="", from_rung="", changes=None) -> ItemEvent:
    event = ItemEvent.objects.create(
        item=item, step=step, actor=actor, from_rung=from_rung or item.rung, to_rung=item.rung, text=text
    )
    audit_record(
        actor=actor,
        action=f"learning_item.{step}",
        obj=item,
        changes={"rung": [from_rung or item.rung, item.rung], **(changes or {})},
    )
    return event


def _index(item: LearningItem) -> None:
    """Write the text search reads (learning.selectors.learning_items_search)."""
    parts = [
        item.reference,
        item.title,
        item.origin.name,
        *(getattr(item, n) for n, _ in HEADINGS),
        *(t.name for t in item.themes.all()),
        item.covered_by,
    ]
    item.search_document = "\n".join(p for p in parts if p)
    item.save(update_fields=["search_document"])


def _responsible_errors(data: ItemData) -> dict[str, str]:
    """3.6: the person responsible is the Operational AD of the service area or the Corporate HoP of the function."""
    if data.service_area is not None and data.function is not None:
        return {"area": "Select one area: a service area or a corporate function"}
    if data.responsible is None:
        return {}
    access = access_for(data.responsible)
    if data.service_area is not None and data.service_area.pk not in access.service_area_ids:
        return {"responsible": "The person responsible must be the Assistant Director of the service area"}
    if data.function is not None and data.function.pk not in access.function_ids:
        return {"responsible": "The person responsible must be the Head of Profession of the function"}
    if data.service_area is None and data.function is None:
        return {"area": "Select the area the learning belongs to"}
    return {}


def _data_errors(data: ItemData) -> dict[str, str]:
    errors = {}
    if not (data.title or "").strip():
        errors["title"] = "Enter a short title"
    if data.origin is None:
        errors["origin"] = "Select where the learning came from"
    if data.covered_by_guidance and not (data.covered_by or "").strip():
        errors["covered_by"] = "Enter which policy and practice guidance already covers the learning"
    errors.update(_responsible_errors(data))
    return errors


def _apply(item: LearningItem, data: ItemData) -> None:
    item.title = data.title.strip()
    item.origin = data.origin
    for name, _ in HEADINGS:
        if name in data.headings:
            setattr(item, name, (data.headings[name] or "").strip())
    item.service_area, item.function = data.service_area, data.function
    item.responsible = data.responsible or _default_responsible(data)
    item.covered_by_guidance = data.covered_by_guidance
    item.covered_by = (data.covered_by or "").strip() if data.covered_by_guidance else ""


def _default_responsible(data: ItemData):
    if data.service_area is not None:
        return people_with_role(Role.ASSISTANT_DIRECTOR, service_area=data.service_area).order_by("pk").first()
    if data.function is not None:
        return people_with_role(Role.HEAD_OF_PROFESSION, function=data.function).order_by("pk").first()
    return None


def learning_item_create(*, actor, data: ItemData) -> LearningItem:
    """Record learning from any source (3.1) as a draft, at the first rung: identified."""
    with transaction.atomic():
        _require(
            actor, "learning.create_item", None, "Only NIS reviewers, the leads, ADs and Heads of Profession record learning."
        )
        errors = _data_errors(data)
        if errors:
            raise ValidationError(errors)
        item = LearningItem(author=actor)
        _apply(item, data)
        item.save()
        item.themes.set(data.themes)
        _index(item)
        _event(item, actor=actor, step=ItemStep.CREATE, text=f"{item.origin.name}: {item.title}")
        return item


def learning_item_edit(*, actor, item_id: int, expected_version: int, data: ItemData) -> LearningItem:
    """Change what an item says. Once published, a heading that identifies a child is refused (3.1)."""
    with transaction.atomic():
        item = _lock(item_id, expected_version)
        _require(actor, "learning.edit_item", item, "Only the author, the person responsible or the leads can change it.")
        errors = _data_errors(data)
        if not item.is_draft:
            errors.update(item_identifier_errors(item, {"title": data.title, **data.headings}))
        if errors:
            raise ValidationError(errors)
        _apply(item, data)
        item.version += 1
        item.save()
        item.themes.set(data.themes)
        _index(item)
        _event(item, actor=actor, step=ItemStep.EDIT)
        return item


def _publish_errors(item: LearningItem, *, confirmed: bool, all_weaker_reason: str) -> dict[str, str]:
    errors = {}
    for name, label in PUBLISH_HEADINGS:
        if not getattr(item, name).strip():
            errors[name] = f"Enter the {label[0].lower()}{label[1:]}"
    if item.area is None:
        errors["area"] = "Select the area the learning belongs to"
    if item.responsible_id is None:
        errors["responsible"] = "Select the Assistant Director or Head of Profession responsible for embedding it"
    if not item.themes.exists():
        errors["themes"] = "Select at least one theme"
    if item.covered_by_guidance is None:
        errors["covered_by_guidance"] = "Say whether existing policy and practice guidance already covers the learning"
    elif not item.covered_by_guidance and not (all_weaker_reason or "").strip():
        # The three actions of 3.3-3.5 are all weaker ones (training, policy, a reminder).
        errors["all_weaker_reason"] = (
            "Enter why weaker actions (training, policy and a cascade) are enough, or add a stronger action once it is published"
        )
    errors.update(item_identifier_errors(item))
    if not confirmed:
        errors["confirm_no_identifiers"] = "Confirm the learning holds no detail that identifies a child"
    return errors


def _action_days(kind: str) -> int:
    row = LearningDeadlineSetting.objects.filter(kind=kind).first()
    return row.working_days if row else DEFAULT_ACTION_DAYS[kind]


def _trigger_actions(item: LearningItem, *, actor) -> list[Action]:
    """3.2: learning not already subject to existing policy and practice guidance triggers 3.3, 3.4 and 3.5."""
    owners = {}
    for kind, role, _ in TRIGGERED_ACTIONS:
        owners[kind] = people_with_role(role).order_by("pk").first()
        if owners[kind] is None:
            raise WrongStage(
                f"There is no {Role(role).label} to own the {ActionKind(kind).label.lower()}: "
                "an administrator must give the role first."
            )
    today = timezone.localdate()
    created = []
    for kind, _, strength in TRIGGERED_ACTIONS:
        requested = RequestedAction(
            description=f"{ActionKind(kind).label}: {item.reference} {item.title}",
            owner=owners[kind],
            due_date=add_working_days(today, _action_days(kind)),
            kind=kind,
        )
        action = action_create(actor=actor, requested=requested, learning_item=item)
        action.strength = strength
        action.save(update_fields=["strength"])
        created.append(action)
    return created


def learning_item_publish(
    *, actor, item_id: int, expected_version: int, confirm_no_identifiers: bool, all_weaker_reason: str = ""
) -> LearningItem:
    """Publish an item to the organisation (3.1), once every heading is written, no identifier of the SIN is
    left (and the author confirms none is), and, when not covered by existing guidance, with the three actions
    of 3.3-3.5 (3.2), created in this transaction: item at "actions agreed". Covered already: no new action,
    the item waits at "actions done" for a check in practice (3.6)."""
    with transaction.atomic():
        item = _lock(item_id, expected_version)
        _require(actor, "learning.publish_item", item, "Only the author, the person responsible or the leads can publish it.")
        errors = _publish_errors(item, confirmed=confirm_no_identifiers, all_weaker_reason=all_weaker_reason)
        if errors:
            raise ValidationError(errors)
        created = [] if item.covered_by_guidance else _trigger_actions(item, actor=actor)
        before = item.rung
        item.status = ItemStatus.PUBLISHED
        item.rung = Rung.ACTIONS_AGREED if created else Rung.ACTIONS_DONE
        item.all_weaker_reason = "" if item.covered_by_guidance else all_weaker_reason.strip()
        item.published_at = item.rung_changed_at = timezone.now()
        item.identifiers_confirmed_by = actor
        item.version += 1
        item.save()
        text = (
            f"Actions agreed: {', '.join(a.get_kind_display().lower() for a in created)}."
            if created
            else f"Already covered by existing policy and practice guidance: {item.covered_by}"
        )
        _event(item, actor=actor, step=ItemStep.PUBLISH, from_rung=before, text=text)
        notify(
            recipients=[item.responsible],
            subject=item,
            reason=Notification.Reason.INFO,
            exclude=actor,
            message=f"Learning you answer for is published: {item.reference} {item.title}",
        )
        return item


def learning_item_action_add(*, actor, item_id: int, expected_version: int, requested: RequestedAction, strength: str) -> Action:
    """A further action, added by the person responsible (3.2-3.5), rated by its strength."""
    with transaction.atomic():
        item = _lock(item_id, expected_version)
        _require(actor, "learning.add_action", item, "Only the person responsible for the item can add an action.")
        if strength not in Strength.values:
            raise ValidationError({"action_strength": "Select how strong the action is"})
        requested.kind = ActionKind.OTHER
        action = action_create(actor=actor, requested=requested, learning_item=item)
        action.strength = strength
        action.save(update_fields=["strength"])
        item.version += 1
        item.save(update_fields=["version", "updated_at"])
        _event(item, actor=actor, step=ItemStep.ACTION_ADD, text=f"{action.description[:200]} ({action.get_strength_display()})")
        if item.rung == Rung.ACTIONS_DONE:
            _move(item, to_rung=Rung.ACTIONS_AGREED, actor=actor, text="A further action was agreed.")
        return action


def _move(item: LearningItem, *, to_rung: str, actor, text: str) -> None:
    before = item.rung
    item.rung = to_rung
    item.rung_changed_at = timezone.now()
    item.version += 1
    item.save(update_fields=["rung", "rung_changed_at", "version", "updated_at"])
    _event(item, actor=actor, step=ItemStep.MOVE, from_rung=before, text=text)
    direction = "up to" if RUNG_ORDER[to_rung] > RUNG_ORDER[before] else "back to"
    notify(
        recipients=[item.responsible],
        subject=item,
        reason=Notification.Reason.INFO,
        exclude=actor,
        message=f"{item.reference} moved {direction} '{Rung(to_rung).label}': {text[:150]}",
    )


def learning_item_move(*, item: LearningItem, to_rung: str, actor, text: str) -> LearningItem:
    """Move a published item on the ladder, up or down, with the reason on its timeline; the item's owner
    is told. For the embedding checks (learning.services.checks, 3.6): a check that finds the learning
    embedded moves it to "verified in practice", a re-check to "sustained", a check that does not back to
    "actions done". The caller has checked who may; this runs inside the caller's transaction (or its
    own), locks the item and refuses a draft, a closed item, an unknown rung and a move to where it is."""
    if to_rung not in Rung.values:
        raise ValueError(f"No such rung: {to_rung}")
    with transaction.atomic():
        locked = _lock(item.pk)
        if locked.status != ItemStatus.PUBLISHED:
            raise WrongStage("Only a published item that is not closed moves on the ladder.")
        if locked.rung == to_rung:
            raise WrongStage(f"The item is at '{Rung(to_rung).label}' already.")
        _move(locked, to_rung=to_rung, actor=actor, text=(text or "").strip())
        item.rung, item.version, item.rung_changed_at = locked.rung, locked.version, locked.rung_changed_at
        return locked


def learning_item_action_recorded(*, actor, action: Action, text: str) -> None:
    """An action of the item changed (actions.services.action_update): on the timeline; the last action
    done moves the item to "actions done"."""
    item = _lock(action.learning_item_id)
    item.version += 1
    item.save(update_fields=["version", "updated_at"])
    _event(item, actor=actor, step=ItemStep.ACTION_UPDATE, text=text)
    unfinished = Action.objects.filter(learning_item=item).exclude(status__in=FINISHED_ACTION_STATUSES)
    if item.rung == Rung.ACTIONS_AGREED and not unfinished.exists():
        _move(item, to_rung=Rung.ACTIONS_DONE, actor=actor, text="Every action is done.")


def learning_item_close(*, actor, item_id: int, expected_version: int, rationale: str = "") -> LearningItem:
    """Close an item: at "sustained" (with the impact on practice and its evidence written), or below it
    with the responsible person's rationale (DESIGN.md: it closes at "sustained", or with a recorded rationale)."""
    with transaction.atomic():
        item = _lock(item_id, expected_version)
        _require(actor, "learning.close_item", item, "Only the person responsible for the item can close it.")
        rationale = (rationale or "").strip()
        if item.rung != Rung.SUSTAINED and not rationale:
            raise ValidationError(
                {"rationale": f"Enter why the item closes at '{item.get_rung_display()}', before the learning is sustained"}
            )
        if item.rung == Rung.SUSTAINED and not item.impact_on_practice.strip():
            raise ValidationError({"rationale": "Write the impact of learning on practice and evidence of this before closing"})
        item.status = ItemStatus.CLOSED
        item.closed_at, item.closed_by, item.closure_rationale = timezone.now(), actor, rationale
        item.version += 1
        item.save()
        _event(item, actor=actor, step=ItemStep.CLOSE, text=rationale or "Sustained: closed.")
        return item


def themes_for_incident(incident) -> list:
    """The themes an administrator mapped the SIN's criteria to (CriterionTheme)."""
    return list(
        {
            link.theme
            for link in CriterionTheme.objects.filter(criterion__in=incident.criteria.all(), theme__active=True).select_related(
                "theme"
            )
        }
    )


def _carried_text(incident) -> dict[str, str]:
    """The headings pre-filled from the SIN form and its signed-off CR1 (2.7, 3.2). The author edits them;
    publication is refused while they still hold the SIN's identifiers."""
    review = getattr(incident, "case_review", None) if hasattr(incident, "case_review") else None
    signed = review if review is not None and review.signed_off_at else None

    def join(*parts):
        return "\n\n".join(p.strip() for p in parts if p and p.strip())

    return {
        "impact_on_child": incident.what_happened,
        "what_cafcass_did": join(incident.cafcass_involvement, signed and signed.analysis_of_practice),
        "learning_identified": join(signed and signed.learning_identified, incident.learning_identified),
        "how_addressed": join(
            incident.immediate_actions,
            signed and f"Recommendations: {signed.recommendations}" if signed and signed.recommendations else "",
        ),
        "impact_on_practice": "",
    }


def learning_item_carry(*, actor, incident_id: int, action_ids: list[int] | None = None) -> LearningItem:
    """2.7: the Assistant Director takes the SIN's learning forward through the Learning Portal, in one step:
    a source-A draft linked to the SIN, pre-filled from its form and signed-off CR1, its themes from the SIN's
    criteria; the SIN's open actions chosen are marked carried and point at it."""
    from actions.subjects import subject_module
    from incidents.choices import Step
    from incidents.models import Incident, IncidentEvent
    from incidents.selectors import incidents_visible_to
    from incidents.workflow import ACTION_STAGES

    with transaction.atomic():
        incident = incidents_visible_to(actor).select_for_update(of=("self",)).filter(pk=incident_id).first()
        if incident is None:
            raise NotAllowed("You cannot carry the learning of this incident.")
        _require(
            actor,
            "learning.carry_incident",
            incident,
            "Only the incident's Assistant Director or Head of Profession carries its learning.",
        )
        if incident.stage not in ACTION_STAGES:
            raise WrongStage("Learning is carried once Core CMT has been alerted and until the incident is closed.")
        existing = incident.learning_items.first()
        if existing is not None:
            raise WrongStage(f"The learning of this incident is carried already: {existing.reference}.")
        origin = (
            LearningOrigin.objects.filter(code="serious-incident").first() or LearningOrigin.objects.filter(source="A").first()
        )
        item = LearningItem(
            author=actor,
            incident=incident,
            origin=origin,
            title=incident.title or incident.display_reference,
            service_area=incident.service_area,
            function=incident.function,
            responsible=actor if (incident.service_area_id or incident.function_id) else None,
            **_carried_text(incident),
        )
        item.save()
        item.themes.set(themes_for_incident(incident))
        _index(item)
        _event(item, actor=actor, step=ItemStep.CARRY, text=f"Carried from {incident.display_reference}.")
        actions = (
            incident.actions.select_for_update().filter(pk__in=action_ids or []).exclude(status__in=FINISHED_ACTION_STATUSES)
        )
        for action in actions:
            before = action.status
            action.status, action.carried_to, action.completed_at = ActionStatus.CARRIED, item, timezone.now()
            action.version += 1
            action.save()
            subject_module(action).recorded(
                actor=actor,
                action=action,
                text=f"{action.description[:100]}: carried into the Learning Portal ({item.reference})",
            )
            audit_record(
                actor=actor,
                action="action.update",
                obj=action,
                changes={"status": [before, action.status], "carried_to": item.pk},
            )
        incident.refresh_from_db(fields=["version", "stage"])
        IncidentEvent.objects.create(
            incident=incident,
            step=Step.LEARNING_RECORD,
            actor=actor,
            from_stage=incident.stage,
            to_stage=incident.stage,
            text=f"Learning carried into the Learning Portal: {item.reference}.",
        )
        Incident.objects.filter(pk=incident.pk).update(version=incident.version + 1)
        return item
