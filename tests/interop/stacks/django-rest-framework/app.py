"""A Django REST framework API with DRF's default authentication, as its documentation
describes it (https://www.django-rest-framework.org/api-guide/authentication/): the
DEFAULT_AUTHENTICATION_CLASSES are SessionAuthentication, then BasicAuthentication, and
the DEFAULT_PERMISSION_CLASSES here IsAuthenticated. Because the FIRST class decides the
answer to an unauthenticated request and SessionAuthentication has no WWW-Authenticate
("Unauthorized and Forbidden responses" in that page), DRF answers a request without
credentials with 403 {"detail": "Authentication credentials were not provided."}.

One file, Django configured in code; the users live in a SQLite file in the run folder.

    python app.py PORT DB_PATH
"""

import sys

from django.conf import settings

PORT = int(sys.argv[1])
settings.configure(
    DEBUG=False,
    # A test canary, not a secret of anything real.
    SECRET_KEY="canary-django-rest-framework-secret-key-0001",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "rest_framework",
    ],
    MIDDLEWARE=[
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
    ],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": sys.argv[2]}},
    SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies",
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],  # fast, tests only
    REST_FRAMEWORK={
        "DEFAULT_AUTHENTICATION_CLASSES": [
            "rest_framework.authentication.SessionAuthentication",
            "rest_framework.authentication.BasicAuthentication",
        ],
        "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    },
)

import django  # noqa: E402

django.setup()

from django.contrib.auth import authenticate, login, logout  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import ensure_csrf_cookie  # noqa: E402
from rest_framework.permissions import AllowAny, IsAdminUser, IsAuthenticated  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402


@ensure_csrf_cookie
def index(request):
    return HttpResponse("<!doctype html><title>drf interop</title><p>API client page</p>")


class Login(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def post(self, request):
        user = authenticate(request, username=request.data.get("username"), password=request.data.get("password"))
        if user is None:
            return Response({"detail": "Bad credentials."}, status=400)
        login(request, user)
        return Response({"user": user.username})


class Logout(APIView):
    def post(self, request):
        logout(request)
        return Response({"ok": True})


class Items(APIView):
    def get(self, request):
        return Response([{"item": "canary-item", "owner": request.user.username}])

    def post(self, request):
        return Response({"ok": True}, status=201)


class Admin(APIView):
    permission_classes = [IsAuthenticated, IsAdminUser]

    def get(self, request):
        return Response({"admin": True})


urlpatterns = [
    path("", index),
    path("api/login/", Login.as_view()),
    path("api/logout/", Logout.as_view()),
    path("api/items/", Items.as_view()),
    path("api/admin/", Admin.as_view()),
]

if __name__ == "__main__":
    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="alice").exists():
        User.objects.create_user("alice", password="canary-django-pass")
    call_command("runserver", f"127.0.0.1:{PORT}", use_reloader=False, skip_checks=True)
