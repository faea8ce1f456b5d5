from django.urls import path

from . import views

urlpatterns = [
    path("incidents/<int:pk>/document.docx", views.IncidentWord.as_view(), name="api-incident-docx"),
    path("incidents/<int:pk>/document.pdf", views.IncidentPdf.as_view(), name="api-incident-pdf"),
]
