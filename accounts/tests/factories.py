"""Test helpers for accounts, shared by every app's tests."""


def api_token_issue(user, *, issued_by=None, purpose: str = "Tests") -> str:
    """An API token for `user`, issued and collected through the real services; returns its key.

    Send it as `Authorization: Token <key>`. In the service itself nobody gets a
    key but its holder, on their own page (docs/decisions/0010).
    """
    from accounts.services import api_token_collect, api_token_request

    token = api_token_request(actor=issued_by, user=user, purpose=purpose)
    return api_token_collect(actor=user, token_id=token.pk)
