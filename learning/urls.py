from django.urls import path

from .views import items

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
]
