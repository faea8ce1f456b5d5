from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views import defaults
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import views as core_views
from core.api import api_or_page

admin.site.site_header = "Serious incident notifications: administration"

urlpatterns = [
    path("", include("core.urls")),
    path("", include("accounts.urls")),
    path("incidents/", include("incidents.urls")),
    path("actions/", include("actions.urls")),
    path("learning/", include("learning.urls")),
    path("notifications/", include("alerts.urls")),
    path("admin/", admin.site.urls),
    path("api/intake/", include("intake.api.urls")),
    path("documents/", include("documents.urls")),
    path("api/", include("incidents.api.urls")),
    path("api/", include("documents.api.urls")),
    path("api/", include("learning.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The documentation page is a page: a person not signed in is sent to sign in.
    path("api/docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
]

# Under /api/ the error answers are JSON, as the API's own are (core.api); elsewhere the GOV.UK pages.
handler400 = api_or_page(defaults.bad_request, 400)
handler403 = api_or_page(core_views.permission_denied, 403)
handler404 = api_or_page(core_views.page_not_found, 404)
handler500 = api_or_page(core_views.server_error, 500)
