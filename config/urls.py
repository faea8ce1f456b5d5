from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

admin.site.site_header = "Serious incident notifications: administration"

urlpatterns = [
    path("", include("core.urls")),
    path("", include("accounts.urls")),
    path("incidents/", include("incidents.urls")),
    path("actions/", include("actions.urls")),
    path("notifications/", include("alerts.urls")),
    path("admin/", admin.site.urls),
    path("api/intake/", include("intake.api.urls")),
    path("documents/", include("documents.urls")),
    path("api/", include("incidents.api.urls")),
    path("api/", include("documents.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The documentation page is a page: a person not signed in is sent to sign in.
    path("api/docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
]

handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
