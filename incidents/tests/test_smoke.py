import pytest

from conftest import sign_in
from incidents import services
from incidents.choices import Stage

pytestmark = pytest.mark.django_db

def test_lifecycle_smoke(org, client):
    from datetime import date

    from organisation.choices import Role as R
    p = org.people
    data = services.FormData(criteria=["child_seriously_harmed"], values=dict(title="t", children="A, 4", case_reference="ABC", what_happened="x", cafcass_involvement="y", immediate_actions="z", incident_date=date(2026,11,1), aware_date=date(2026,11,2)))
    inc = services.incident_create(actor=p[R.LOCAL_MANAGER], team=org.team, data=data)
    inc = services.incident_submit(actor=p[R.LOCAL_MANAGER], incident_id=inc.pk, expected_version=inc.version)
    assert inc.reference.startswith("SIN-")
    inc = services.incident_ad_analyse(actor=p[R.ASSISTANT_DIRECTOR], incident_id=inc.pk, expected_version=inc.version, analysis="a", proposal="meets_share")
    inc = services.incident_od_sign_off(actor=p[R.OPERATIONAL_DIRECTOR], incident_id=inc.pk, expected_version=inc.version)
    assert inc.stage == Stage.CASE_REVIEW
    for u, urls in [(p[R.LOCAL_MANAGER], ["/", "/incidents/", f"/incidents/{inc.pk}/", "/incidents/new/", "/notifications/", "/incidents/mine/", "/incidents/awaiting-my-action/"]),
                    (p[R.CEO], ["/", f"/incidents/{inc.pk}/", f"/incidents/{inc.pk}/step/ceo_decision/", "/api/incidents/", f"/api/incidents/{inc.pk}/"]),
                    (p[R.NIS_REVIEWER], [f"/incidents/{inc.pk}/case-review/"]),
                    (p[R.BOARD_MEMBER], ["/incidents/briefings/", "/"])]:
        sign_in(client, u)
        for url in urls:
            r = client.get(url)
            assert r.status_code == 200, (url, r.status_code, r.content[:3000])
    sign_in(client, org.other[R.LOCAL_MANAGER])
    assert client.get(f"/incidents/{inc.pk}/").status_code == 404
    r = client.get("/api/schema/")
    assert r.status_code == 200
