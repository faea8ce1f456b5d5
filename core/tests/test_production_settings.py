"""Production refuses to start with the transport protections turned down (config/settings/production.py).

Each case starts `manage.py check` under the production settings with one
variable changed, as the deployment tests in test_pages do.
"""

import pytest

from core.tests.test_pages import _production_check


def test_the_complete_production_environment_starts():
    result = _production_check()
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("value", ["0", "false", "off"])
def test_production_refuses_to_switch_off_the_https_redirect(value):
    result = _production_check(SECURE_SSL_REDIRECT=value)
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT cannot be switched off in production" in result.stderr


@pytest.mark.parametrize("value", ["0", "3600", str(365 * 24 * 60 * 60 - 1), "a year"])
def test_production_refuses_hsts_shorter_than_a_year(value):
    result = _production_check(SECURE_HSTS_SECONDS=value)
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS must be" in result.stderr


def test_production_accepts_hsts_of_two_years():
    assert _production_check(SECURE_HSTS_SECONDS=str(2 * 365 * 24 * 60 * 60)).returncode == 0


def test_production_refuses_email_without_tls_to_another_machine():
    result = _production_check(EMAIL_USE_TLS="0")
    assert result.returncode != 0
    assert "Email to smtp.example.org would travel unencrypted" in result.stderr


@pytest.mark.parametrize(
    ("variables"), [{"EMAIL_USE_TLS": "1"}, {"EMAIL_USE_TLS": None, "EMAIL_USE_SSL": "1", "EMAIL_PORT": "465"}]
)
def test_production_accepts_starttls_or_implicit_tls(variables):
    assert _production_check(**variables).returncode == 0


@pytest.mark.parametrize("relay", ["localhost", "127.0.0.1"])
def test_production_accepts_plain_smtp_to_a_relay_on_this_machine(relay):
    assert _production_check(EMAIL_HOST=relay, EMAIL_USE_TLS=None).returncode == 0


def test_production_refuses_both_kinds_of_tls_at_once():
    result = _production_check(EMAIL_USE_SSL="1")
    assert result.returncode != 0
    assert "not both" in result.stderr
