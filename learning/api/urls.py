from django.urls import path

from . import cascade, items

urlpatterns = [
    path("learning/", items.ItemList.as_view(), name="api-learning-list"),
    path("learning/<int:pk>/", items.ItemDetail.as_view(), name="api-learning-detail"),
    path("learning/<int:pk>/publish/", items.ItemPublish.as_view(), name="api-learning-publish"),
    path("learning/<int:pk>/actions/", items.ItemActionCreate.as_view(), name="api-learning-action-create"),
    path("learning/<int:pk>/close/", items.ItemClose.as_view(), name="api-learning-close"),
    path("incidents/<int:pk>/carry-learning/", items.IncidentCarry.as_view(), name="api-learning-carry"),
    # The cascade (3.5) and checks in practice (3.6)
    path("learning/alerts/", cascade.MyStaffAlerts.as_view(), name="api-learning-alerts"),
    path("learning/alerts/<int:pk>/acknowledge/", cascade.StaffAlertAcknowledge.as_view(), name="api-learning-alert-acknowledge"),
    path("learning/<int:pk>/cascade/", cascade.ItemCascade.as_view(), name="api-learning-cascade"),
    path("learning/<int:pk>/checks/", cascade.ItemChecks.as_view(), name="api-learning-checks"),
]
