from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from kombu import Connection

from .celery import app as celery_app


def home(request):
    return redirect("trainings:dashboard")


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker():
    with Connection(celery_app.conf.broker_url,
                    transport_options=celery_app.conf.broker_transport_options,
                    connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


@login_not_required
@never_cache
def healthz(request):
    state = {}
    for name, check in [("database", check_database), ("broker", check_broker)]:
        try:
            check()
            state[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure is a reported state
            state[name] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in state.values())
    state["broker_url"] = celery_app.conf.broker_url.split("@")[-1].split("://")[0]
    return JsonResponse({"status": "ok" if healthy else "error", **state},
                        status=200 if healthy else 503)
