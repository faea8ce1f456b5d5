"""Changes made through the Django admin are in the audit trail, in the transaction of the change."""

import datetime
import json
from io import StringIO

import pytest
from django import forms
from django.contrib import admin
from django.core.management import call_command
from django.db.models import ProtectedError

from audit.models import AuditEvent
from organisation.choices import Role
from organisation.models import Region, RoleAssignment, Team
from organisation.tests.factories import (
    RegionFactory,
    ServiceAreaFactory,
    TeamFactory,
    UserFactory,
    give_role,
    person,
)

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a fresh and quite long passphrase 42"
JOINED = datetime.datetime(2024, 1, 15, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def administrator():
    return person(None, username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_client(client, administrator):
    from conftest import sign_in

    return sign_in(client, administrator)


def admin_events():
    return list(AuditEvent.objects.filter(action__startswith="admin.").order_by("sequence"))


def form_data(page) -> dict:
    """What a browser sends back from an admin change page when nothing on it is touched."""
    data = {}
    all_forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        for field in formset.management_form:
            data[field.html_name] = field.value()
        all_forms.extend(formset.forms)
    for form in all_forms:
        for field in form:
            if field.field.disabled:
                continue
            widget, value = field.field.widget, field.value()
            while isinstance(getattr(widget, "widget", None), forms.Widget):  # the admin's related-field wrapper
                widget = widget.widget
            names = [field.html_name] + ([field.html_initial_name] if field.field.show_hidden_initial else [])
            for name in names:
                data.update(_widget_data(widget, name, value))
    return data


def _widget_data(widget, name, value) -> dict:
    if isinstance(widget, forms.MultiWidget):
        parts = value if isinstance(value, list | tuple) else widget.decompress(value)
        return {
            f"{name}{suffix}": subwidget.format_value(part) or ""
            for suffix, subwidget, part in zip(widget.widgets_names, widget.widgets, parts, strict=True)
        }
    if isinstance(widget, forms.CheckboxInput):
        return {name: "on"} if value else {}
    if isinstance(widget, forms.SelectMultiple):
        return {name: [str(item) for item in value or []]}
    return {name: "" if value is None else str(value)}


def test_adding_a_region_records_one_event_naming_it(staff_client, administrator):
    response = staff_client.post("/admin/organisation/region/add/", {"name": "East Midlands"})
    assert response.status_code == 302
    region = Region.objects.get(name="East Midlands")
    [event] = admin_events()
    assert event.action == "admin.organisation.region.create"
    assert (event.object_type, event.object_id, event.object_repr) == ("organisation.region", str(region.pk), "East Midlands")
    assert event.changes == {"name": "East Midlands"}
    assert (event.actor, event.actor_name, event.ip_address) == (administrator, "admin", "127.0.0.1")


def test_changing_a_team_name_records_the_old_and_new_name_only(staff_client):
    team = TeamFactory(name="Newcastle 1")
    response = staff_client.post(
        f"/admin/organisation/team/{team.pk}/change/", {"name": "Newcastle 2", "service_area": team.service_area_id}
    )
    assert response.status_code == 302
    [event] = admin_events()
    assert event.action == "admin.organisation.team.change"
    assert (event.object_type, event.object_id, event.object_repr) == ("organisation.team", str(team.pk), "Newcastle 2")
    assert event.changes == {"name": ["Newcastle 1", "Newcastle 2"]}


def test_moving_a_team_records_both_service_areas(staff_client):
    team = TeamFactory(name="Leeds 1", service_area__name="Yorkshire")
    other = ServiceAreaFactory(name="Humber")
    staff_client.post(f"/admin/organisation/team/{team.pk}/change/", {"name": "Leeds 1", "service_area": other.pk})
    [event] = admin_events()
    assert event.changes == {"service_area": [f"Yorkshire (#{team.service_area_id})", f"Humber (#{other.pk})"]}


def test_saving_without_changes_records_nothing(staff_client):
    team = TeamFactory(name="Newcastle 1")
    staff_client.post(
        f"/admin/organisation/team/{team.pk}/change/", {"name": "Newcastle 1", "service_area": team.service_area_id}
    )
    assert admin_events() == []


def test_a_role_given_on_the_person_page_is_recorded(staff_client):
    user = UserFactory(username="newcomer", first_name="Nia", last_name="Newcomer", date_joined=JOINED)
    team = TeamFactory(name="Sheffield 1")
    page = staff_client.get(f"/admin/accounts/user/{user.pk}/change/")
    data = form_data(page)
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    data[f"{prefix}-TOTAL_FORMS"] = "1"
    data.update(
        {
            f"{prefix}-0-id": "",
            f"{prefix}-0-user": str(user.pk),
            f"{prefix}-0-role": Role.LOCAL_MANAGER,
            f"{prefix}-0-team": str(team.pk),
        }
    )
    response = staff_client.post(f"/admin/accounts/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assignment = RoleAssignment.objects.get(user=user)
    [event] = admin_events()
    assert event.action == "admin.organisation.roleassignment.create"
    assert (event.object_type, event.object_id) == ("organisation.roleassignment", str(assignment.pk))
    assert event.changes == {
        "user": f"Nia Newcomer (#{user.pk})",
        "role": "local_manager",
        "region": None,
        "service_area": None,
        "team": f"Sheffield 1 (#{team.pk})",
        "function": None,
        "_parent": f"accounts.user Nia Newcomer (#{user.pk})",
    }


def test_a_role_changed_or_removed_on_the_person_page_is_recorded(staff_client):
    user = UserFactory(username="mover", first_name="Mo", last_name="Mover", date_joined=JOINED)
    first, second = TeamFactory(name="Hull 1"), TeamFactory(name="Hull 2")
    kept = give_role(user, Role.LOCAL_MANAGER, first)
    removed = give_role(user, Role.CMT_MEMBER)
    page = staff_client.get(f"/admin/accounts/user/{user.pk}/change/")
    data = form_data(page)
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    rows = {data[f"{prefix}-{i}-id"]: i for i in range(2)}
    data[f"{prefix}-{rows[str(kept.pk)]}-team"] = str(second.pk)
    data[f"{prefix}-{rows[str(removed.pk)]}-DELETE"] = "on"
    response = staff_client.post(f"/admin/accounts/user/{user.pk}/change/", data)
    assert response.status_code == 302
    assert list(RoleAssignment.objects.filter(user=user).values_list("pk", "team")) == [(kept.pk, second.pk)]
    deletion, change = admin_events()
    assert (deletion.action, deletion.object_id) == ("admin.organisation.roleassignment.delete", str(removed.pk))
    assert deletion.changes["role"] == "cmt_member"
    assert deletion.changes["user"] == f"Mo Mover (#{user.pk})"
    assert (change.action, change.object_id) == ("admin.organisation.roleassignment.change", str(kept.pk))
    assert change.changes == {
        "team": [f"Hull 1 (#{first.pk})", f"Hull 2 (#{second.pk})"],
        "_parent": f"accounts.user Mo Mover (#{user.pk})",
    }


def test_the_bulk_delete_action_records_each_region_and_what_went_with_it(staff_client):
    east, west = RegionFactory(name="East"), RegionFactory(name="West")
    director = UserFactory(username="od", first_name="Olu", last_name="Director")
    role = give_role(director, Role.OPERATIONAL_DIRECTOR, east)
    kept = RegionFactory(name="Kept")
    response = staff_client.post(
        "/admin/organisation/region/", {"action": "delete_selected", "_selected_action": [east.pk, west.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert list(Region.objects.all()) == [kept]
    events = admin_events()
    assert {(e.action, e.object_id, e.object_repr) for e in events} == {
        ("admin.organisation.region.delete", str(east.pk), "East"),
        ("admin.organisation.region.delete", str(west.pk), "West"),
    }
    by_id = {e.object_id: e for e in events}
    assert by_id[str(west.pk)].changes == {"name": "West"}
    assert by_id[str(east.pk)].changes == {
        "name": "East",
        "_also_deleted": {"organisation.roleassignment": {"count": 1, "objects": [f"{role} (#{role.pk})"]}},
    }


def test_deleting_one_team_from_its_page_records_it(staff_client):
    team = TeamFactory(name="Derby 1")
    response = staff_client.post(f"/admin/organisation/team/{team.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Team.objects.filter(pk=team.pk).exists()
    [event] = admin_events()
    assert (event.action, event.object_id, event.object_repr) == ("admin.organisation.team.delete", str(team.pk), "Derby 1")
    assert event.changes == {"name": "Derby 1", "service_area": f"{team.service_area} (#{team.service_area_id})"}


def test_a_delete_that_fails_leaves_no_event_behind(rf, administrator):
    """The events are written in the delete's transaction: when it fails, they go with it."""
    free = RegionFactory(name="Free")
    protected = ServiceAreaFactory(region__name="In use").region
    request = rf.post("/admin/organisation/region/")
    request.user = administrator
    with pytest.raises(ProtectedError):
        admin.site.get_model_admin(Region).delete_queryset(request, Region.objects.filter(pk__in=[free.pk, protected.pk]))
    assert admin_events() == []
    assert Region.objects.filter(pk=free.pk).exists()


def test_changing_a_password_in_the_admin_records_that_it_changed_not_the_hash(staff_client):
    user = UserFactory(username="forgetful")
    old_hash = user.password
    response = staff_client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    [event] = admin_events()
    assert (event.action, event.object_id) == ("admin.accounts.user.password_change", str(user.pk))
    assert event.changes == {"password": "changed"}
    stored = json.dumps(list(AuditEvent.objects.values()), default=str)
    for secret in (old_hash, user.password, NEW_PASSWORD):
        assert secret not in stored


def test_a_refused_password_change_records_nothing(staff_client):
    user = UserFactory(username="unlucky")
    response = staff_client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": "something else", "usable_password": "true"},
    )
    assert response.status_code == 200
    assert admin_events() == []


def test_adding_a_person_hides_the_password(staff_client):
    response = staff_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "starter",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "usable_password": "true",
            "role_assignments-TOTAL_FORMS": "0",
            "role_assignments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    [event] = admin_events()
    assert (event.action, event.object_repr) == ("admin.accounts.user.create", "starter")
    assert event.changes["username"] == "starter"
    assert {name: value for name, value in event.changes.items() if "password" in name} == {
        "password1": "hidden",
        "password2": "hidden",
        "usable_password": "hidden",
    }
    stored = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert NEW_PASSWORD not in stored
    assert AuditEvent.objects.get(pk=event.pk).changes == event.changes


def test_the_chain_is_intact_after_admin_changes(staff_client):
    user = UserFactory(username="chained", date_joined=JOINED)
    team = TeamFactory(name="Chain 1")
    staff_client.post("/admin/organisation/region/add/", {"name": "Chain region"})
    staff_client.post(f"/admin/organisation/team/{team.pk}/change/", {"name": "Chain 2", "service_area": team.service_area_id})
    staff_client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    region = Region.objects.get(name="Chain region")
    staff_client.post(
        "/admin/organisation/region/", {"action": "delete_selected", "_selected_action": [region.pk], "post": "yes"}
    )
    assert [e.action for e in admin_events()] == [
        "admin.organisation.region.create",
        "admin.organisation.team.change",
        "admin.accounts.user.password_change",
        "admin.organisation.region.delete",
    ]
    out = StringIO()
    call_command("audit_verify", stdout=out, stderr=StringIO())
    assert f"The audit trail is intact: {AuditEvent.objects.count()} events checked." in out.getvalue()


def test_every_admin_is_audited():
    from audit.admin_mixins import AuditedAdminMixin

    registered = admin.site._registry
    # Ours and those of Django and the packages: groups, TOTP devices, API tokens, lockouts.
    assert {"accounts.User", "organisation.RoleAssignment", "auth.Group", "otp_totp.TOTPDevice", "accounts.ApiToken"} <= {
        model._meta.label for model in registered
    }
    assert [
        model._meta.label for model, model_admin in registered.items() if not isinstance(model_admin, AuditedAdminMixin)
    ] == []


def test_issuing_an_api_token_in_the_admin_is_audited_without_its_key(staff_client, administrator):
    from accounts.models import ApiToken
    from accounts.services import api_token_collect
    from accounts.tests.factories import api_token_issue

    holder = person(Role.CMT_MEMBER, username="token_holder")
    response = staff_client.post("/admin/accounts/apitoken/add/", {"user": holder.pk, "purpose": "A script"})
    assert response.status_code == 302, response.content.decode()[:2000]
    token = ApiToken.objects.get(user=holder)
    events = list(AuditEvent.objects.filter(action="api_token.issue"))
    assert len(events) == 1
    assert events[0].actor == administrator
    assert (events[0].object_id, events[0].object_repr) == (str(token.pk), f"API token {token.prefix} of {holder}")
    key = api_token_collect(actor=holder, token_id=token.pk)
    # Nor when the token goes, revoked or deleted.
    other = person(Role.CMT_MEMBER, username="leaver")
    leaving_key = api_token_issue(other)
    leaving = ApiToken.objects.get(user=other)
    response = staff_client.post(f"/admin/accounts/apitoken/{leaving.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    response = staff_client.post("/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    stored = json.dumps([[e.object_id, e.object_repr, e.changes] for e in AuditEvent.objects.all()])
    assert key not in stored and leaving_key not in stored


def test_unlocking_a_locked_out_person_in_the_admin_is_audited(staff_client):
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.create(
        username="locked_out", ip_address="192.0.2.1", user_agent="test", failures_since_start=10, get_data="", post_data=""
    )
    response = staff_client.post(
        "/admin/axes/accessattempt/", {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    events = [e for e in admin_events() if e.action == "admin.axes.accessattempt.delete"]
    assert len(events) == 1 and "locked_out" in json.dumps(events[0].changes)


def test_the_audit_list_filters_by_record_type_with_no_empty_link(staff_client, administrator):
    from audit.services import audit_record

    audit_record(actor=administrator, action="account.sign_in", obj=None)
    page = staff_client.get("/admin/audit/auditevent/").content.decode()
    assert '<a href="?object_type=">' not in page
    assert "No record" in page
    filtered = staff_client.get("/admin/audit/auditevent/?object_type=-")
    assert filtered.status_code == 200
    assert "account.sign_in" in filtered.content.decode()
