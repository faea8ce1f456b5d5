from django.urls import path

from . import views

urlpatterns = [
    path("incidents/", views.IncidentListCreate.as_view(), name="api-incident-list"),
    path("incidents/<int:pk>/", views.IncidentDetail.as_view(), name="api-incident-detail"),
    path("incidents/<int:pk>/steps/<str:step>/", views.IncidentStep.as_view(), name="api-incident-step"),
    path("incidents/<int:pk>/case-review/", views.CaseReviewView.as_view(), name="api-case-review"),
    path("incidents/<int:pk>/actions/", views.ActionCreate.as_view(), name="api-action-create"),
    path("actions/<int:pk>/", views.ActionUpdate.as_view(), name="api-action-update"),
    path("briefings/", views.BriefingList.as_view(), name="api-briefing-list"),
]
