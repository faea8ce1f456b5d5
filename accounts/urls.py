from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="login"),
    path("sign-in/code/", views.verify, name="verify"),
    path("sign-in/set-up-authenticator/", views.set_up_authenticator, name="set_up_authenticator"),
    path("sign-out/", views.sign_out, name="logout"),
    path("account/password/", views.change_password, name="change_password"),
    path("account/api-tokens/", views.api_tokens, name="api_tokens"),
]
