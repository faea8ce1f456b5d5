from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("", views.index, name="index"),
    path("blank/sin-form.docx", views.blank_sin, name="blank_sin"),
    path("blank/cr1-form.docx", views.blank_cr1, name="blank_cr1"),
    path("import/", views.import_form, name="import"),
    path("imports/<int:pk>/", views.import_result, name="import_result"),
    path("incidents/<int:pk>/word/", views.incident_word, name="incident_docx"),
    path("incidents/<int:pk>/pdf/", views.incident_pdf_download, name="incident_pdf"),
    path("incidents/<int:pk>/files/", views.attachments, name="attachments"),
    path("files/<int:pk>/", views.attachment_download, name="attachment_download"),
]
