"""The accounts' admin pages: an administrator never sees, sets or adds an authenticator's key."""

import base64

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import sign_in
from organisation.choices import Role
from organisation.tests.factories import person

pytestmark = pytest.mark.django_db

DEVICES = "/admin/otp_totp/totpdevice/"


@pytest.fixture
def administrator():
    return person(Role.ADMINISTRATOR, username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def staff(client, administrator):
    return sign_in(client, administrator)


def key_forms(device: TOTPDevice) -> list[str]:
    """The key as the admin could show it: hex (the field), base32 (the QR code's URL and manual entry)."""
    return [device.key, base64.b32encode(device.bin_key).decode(), base64.b32encode(device.bin_key).decode().rstrip("=")]


def test_the_list_and_the_page_of_a_device_never_show_its_key(staff, org):
    device = TOTPDevice.objects.get(user=org.people[Role.CEO])
    for url in (DEVICES, f"{DEVICES}{device.pk}/change/", f"{DEVICES}{device.pk}/history/"):
        response = staff.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert str(org.people[Role.CEO]) in page
        for secret in key_forms(device):
            assert secret not in page, url
        assert "qrcode" not in page.lower()


def test_no_device_can_be_added_or_its_key_changed_by_an_administrator(staff, org):
    device = TOTPDevice.objects.get(user=org.people[Role.CEO])
    assert staff.get(f"{DEVICES}add/").status_code == 403
    assert staff.post(f"{DEVICES}add/", {"user": org.people[Role.CEO].pk, "name": "Mine", "key": "00" * 20}).status_code == 403
    response = staff.post(
        f"{DEVICES}{device.pk}/change/", {"user": device.user_id, "name": "x", "key": "00" * 20, "confirmed": "on"}
    )
    assert response.status_code == 403
    before = device.key
    device.refresh_from_db()
    assert device.key == before


@pytest.mark.parametrize("view", ["config", "qrcode"])
def test_there_is_no_qr_code_for_an_administrator(staff, org, view):
    device = TOTPDevice.objects.get(user=org.people[Role.CEO])
    response = staff.get(f"{DEVICES}{device.pk}/{view}/")
    assert response.status_code in (302, 404), response.status_code
    assert all(secret not in response.content.decode() for secret in key_forms(device))


def test_an_administrator_can_remove_a_lost_authenticator_and_it_is_audited(staff, org):
    from audit.models import AuditEvent

    device = TOTPDevice.objects.get(user=org.people[Role.LOCAL_MANAGER])
    response = staff.post(f"{DEVICES}{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    event = AuditEvent.objects.get(action="admin.otp_totp.totpdevice.delete")
    assert event.changes["key"] == "hidden"
