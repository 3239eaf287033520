from django.conf import settings
from django.contrib.auth.views import redirect_to_login


class LoginRequiredMiddleware:
    """Every page needs a login except the public prefixes (login, health, static, API).

    The API answers 401 itself instead of redirecting; public pages can opt out with the
    `public_view` decorator.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.user.is_authenticated or getattr(view_func, "public_view", False):
            return None
        if any(request.path.startswith(prefix) for prefix in settings.PUBLIC_PATH_PREFIXES):
            return None
        return redirect_to_login(request.get_full_path())


def public_view(view_func):
    view_func.public_view = True
    return view_func
