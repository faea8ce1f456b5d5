from django.urls import path

from . import views
from .serializers import API_STEPS

urlpatterns = [
    path("incidents/", views.IncidentListCreate.as_view(), name="api-incident-list"),
    path("incidents/<int:pk>/", views.IncidentDetail.as_view(), name="api-incident-detail"),
    # One endpoint per step, each with its own request body in the schema.
    *(
        path(f"incidents/<int:pk>/steps/{step}/", views.IncidentStep.for_step(step), name=f"api-step-{step}")
        for step in API_STEPS
    ),
    path("incidents/<int:pk>/case-review/", views.CaseReviewView.as_view(), name="api-case-review"),
    path("incidents/<int:pk>/actions/", views.ActionCreate.as_view(), name="api-action-create"),
    path("actions/<int:pk>/", views.ActionUpdate.as_view(), name="api-action-update"),
    path("briefings/", views.BriefingList.as_view(), name="api-briefing-list"),
]
