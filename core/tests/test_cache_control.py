"""No response with personal data may be kept by a browser or proxy cache (core.cache_control).

Walks the same role x URL table as test_url_table: every URL, as every kind
of person, whatever status they get, must answer `Cache-Control: no-store`.
"""

import pytest
from django.test import Client
from django.urls import reverse

from core.tests.test_url_table import CASES, PEOPLE, world  # noqa: F401 - `world` is the table's fixture

pytestmark = pytest.mark.django_db


def _directives(response) -> set[str]:
    return {d.strip().lower() for d in response.get("Cache-Control", "").split(",") if d.strip()}


@pytest.mark.parametrize(("url_name", "row"), CASES)
def test_every_url_is_not_stored_by_any_cache(world, url_name, row):  # noqa: F811
    url = reverse(url_name, kwargs=row.kwargs(world)) + row.query
    wrong = []
    for key in PEOPLE:
        response = world.clients[key].get(url)
        directives = _directives(response)
        if "no-store" not in directives or response.get("Pragma") != "no-cache":
            wrong.append(
                f"{key} ({response.status_code}): Cache-Control {response.get('Cache-Control')!r}, Pragma {response.get('Pragma')!r}"
            )
        if directives & {"public", "max-age", "s-maxage"}:
            wrong.append(f"{key}: a caching directive survived: {response.get('Cache-Control')!r}")
    assert not wrong, f"GET {url} ({url_name}):\n  " + "\n  ".join(wrong)


def test_a_post_and_an_error_page_are_not_stored_either(world):  # noqa: F811
    client = world.clients["local_manager"]
    for response in (client.get("/no-such-page/"), client.post(reverse("incidents:submit", kwargs={"pk": world.draft.pk}), {})):
        assert "no-store" in _directives(response), response.status_code


def test_a_view_asking_for_caching_is_overruled():
    from django.http import HttpResponse
    from django.test import RequestFactory

    from core.cache_control import NoStoreMiddleware

    def view(request):
        response = HttpResponse("a child's initials")
        response["Cache-Control"] = "public, max-age=3600"
        return response

    response = NoStoreMiddleware(view)(RequestFactory().get("/incidents/1/"))
    assert _directives(response) == {"no-store"}
    assert response["Pragma"] == "no-cache"


def test_static_assets_keep_their_caching():
    response = Client().get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in _directives(response)
