from django.urls import path

from . import items

urlpatterns = [
    path("learning/", items.ItemList.as_view(), name="api-learning-list"),
    path("learning/<int:pk>/", items.ItemDetail.as_view(), name="api-learning-detail"),
    path("learning/<int:pk>/publish/", items.ItemPublish.as_view(), name="api-learning-publish"),
    path("learning/<int:pk>/actions/", items.ItemActionCreate.as_view(), name="api-learning-action-create"),
    path("learning/<int:pk>/close/", items.ItemClose.as_view(), name="api-learning-close"),
    path("incidents/<int:pk>/carry-learning/", items.IncidentCarry.as_view(), name="api-learning-carry"),
]
