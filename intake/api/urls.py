from django.urls import path

from . import views

urlpatterns = [
    path("incidents/", views.IntakeIncidentCreate.as_view(), name="api-intake-incident-create"),
]
