import time

from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    """Pick the page language: the staff member's saved choice, else the language cookie,
    else Arabic.

    It stands after the authentication middleware so it can read the user's preference.
    The browser's Accept-Language is deliberately ignored: the ministry's product is Arabic
    first, and a browser set to English must not turn an agent's console English.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language in self.supported:
            language = user.language
        if language is None:
            cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            language = cookie if cookie in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # A view may have switched language since (an API token's account: see
        # apps/accounts/authentication.py); the header tells the one the answer is in.
        language = getattr(request, "LANGUAGE_CODE", language)
        response.headers.setdefault("Content-Language", language)
        patch_vary = response.headers.get("Vary", "")
        if "Cookie" not in patch_vary:
            response.headers["Vary"] = ", ".join(filter(None, [patch_vary, "Cookie"]))
        return response


class SessionIdleMiddleware:
    """Keep the idle timeout without writing the session on every request.

    Saving the session on each request (``SESSION_SAVE_EVERY_REQUEST``) costs a database
    write and its commit on every page an agent opens. Instead, a session in use is marked
    modified at most once every ``SESSION_REFRESH_SECONDS`` (default 60): its expiry is
    pushed forward then. The time of that mark is kept in the session too, and a session
    whose mark is older than ``SESSION_COOKIE_AGE`` is ended here whatever the store says,
    so the idle limit holds the same with every session backend (the Redis copy of a
    cached_db session expires by Redis's own clock). It stands right after
    ``SessionMiddleware``, before authentication reads the session.
    """

    KEY = "_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response
        self.interval = getattr(settings, "SESSION_REFRESH_SECONDS", 60)
        self.idle_limit = settings.SESSION_COOKIE_AGE

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.session_key is not None:
            last = session.get(self.KEY)
            if isinstance(last, int) and time.time() - last > self.idle_limit:
                session.flush()
        response = self.get_response(request)
        if session is None or session.session_key is None or session.is_empty():
            return response
        now = int(time.time())
        last = session.get(self.KEY)
        if not isinstance(last, int) or now - last >= self.interval:
            session[self.KEY] = now
        return response


class TwoFactorMiddleware:
    """Hold a session that has passed the password but not the second factor on the
    two-factor pages (apps/accounts/two_factor.py, step 2).

    It reads only the session: a signed-in page costs no query for it. A session with no
    state yet is judged once. API paths are left to ``VerifiedSessionAuthentication``, which
    answers in the API's JSON error format rather than with a redirect.
    """

    ALWAYS_OPEN = ("accounts:logout", "accounts:two_factor_verify", "core:set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.contrib.auth import SESSION_KEY

        from apps.accounts import two_factor

        session = getattr(request, "session", None)
        if session is None or SESSION_KEY not in session:
            return self.get_response(request)
        state = session.get(two_factor.STATE_KEY)
        if state is None and request.user.is_authenticated:
            state = session[two_factor.STATE_KEY] = two_factor.state_for(request.user)
        if state in two_factor.PENDING and not self._open(request, state):
            return self._redirect(request, state)
        return self.get_response(request)

    def _open(self, request, state) -> bool:
        from django.urls import reverse

        path = request.path_info
        if path.startswith(("/api/", "/" + settings.STATIC_URL.lstrip("/"))) or path in (
            "/healthz",
            "/readyz",
        ):
            return True
        names = self.ALWAYS_OPEN + (
            ("accounts:two_factor_enrol", "accounts:two_factor_qr") if state == "enrol" else ()
        )
        return path in {reverse(name) for name in names}

    def _redirect(self, request, state):
        from django.http import HttpResponseRedirect
        from django.urls import reverse
        from django.utils.http import url_has_allowed_host_and_scheme, urlencode

        target = reverse("accounts:two_factor_verify" if state == "verify" else "accounts:two_factor_enrol")
        next_url = request.get_full_path()
        if request.method == "GET" and url_has_allowed_host_and_scheme(next_url, allowed_hosts=None):
            target = f"{target}?{urlencode({'next': next_url})}"
        return HttpResponseRedirect(target)
