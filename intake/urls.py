from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("", views.UploadView.as_view(), name="upload"),
    path("<uuid:batch>/", views.PreviewView.as_view(), name="preview"),
    path("<uuid:batch>/confirm/", views.ConfirmView.as_view(), name="confirm"),
]
