from django.urls import path

from .views import cascade, checks, items

app_name = "learning"

urlpatterns = [
    path("", items.item_list, name="list"),
    path("new/", items.item_create, name="create"),
    path("<int:pk>/", items.item_detail, name="detail"),
    path("<int:pk>/edit/", items.item_edit, name="edit"),
    path("<int:pk>/publish/", items.item_publish, name="publish"),
    path("<int:pk>/actions/new/", items.item_action_add, name="action_add"),
    path("<int:pk>/close/", items.item_close, name="close"),
    path("carry/<int:incident_pk>/", items.incident_carry, name="carry"),
    # The cascade (3.5) and embedding tested in practice (3.6)
    path("<int:pk>/cascade/", cascade.cascade, name="cascade"),
    path("<int:pk>/cascade/decide/", cascade.cascade_decide, name="cascade_decide"),
    path("<int:pk>/cascade/omt/", cascade.cascade_omt, name="cascade_omt"),
    path("<int:pk>/cascade/sam/", cascade.cascade_sam, name="cascade_sam"),
    path("<int:pk>/cascade/team/", cascade.cascade_team, name="cascade_team"),
    path("<int:pk>/cascade/alert/", cascade.staff_alert_send, name="staff_alert_send"),
    path("alerts/<int:pk>/", cascade.staff_alert, name="staff_alert"),
    path("alerts/<int:pk>/acknowledge/", cascade.staff_alert_acknowledge, name="staff_alert_acknowledge"),
    path("<int:pk>/checks/", checks.checks, name="checks"),
    path("<int:pk>/checks/record/", checks.check_record, name="check_record"),
    path("checks/<int:pk>/evidence/", checks.check_evidence, name="check_evidence"),
    path("<int:pk>/reviews/schedule/", checks.progress_review_schedule, name="progress_review_schedule"),
    path("reviews/<int:pk>/", checks.progress_review_record, name="progress_review_record"),
    path("agenda/", checks.agenda_page, name="agenda"),
    path("agenda.docx", checks.agenda_word, name="agenda_docx"),
    path("agenda.pdf", checks.agenda_pdf_download, name="agenda_pdf"),
    path("checks/due/", checks.due, name="embedding_due"),
]
