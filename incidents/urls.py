from django.urls import path

from . import views, views_seen_by

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="list"),
    path("awaiting-my-action/", views.incident_awaiting, name="awaiting"),
    path("mine/", views.incident_mine, name="mine"),
    path("new/", views.incident_create, name="create"),
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("<int:pk>/edit/", views.incident_edit, name="edit"),
    path("<int:pk>/seen-by/", views_seen_by.incident_seen_by, name="seen_by"),
    path("<int:pk>/submit/", views.incident_submit, name="submit"),
    path("<int:pk>/step/<str:step>/", views.incident_step, name="step"),
    path("<int:pk>/case-review/", views.case_review_edit, name="case_review"),
    path("<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("briefings/", views.briefing_list, name="briefings"),
    path("briefings/<int:pk>/", views.briefing_detail, name="briefing"),
]
