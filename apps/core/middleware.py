"""Response headers every page needs whatever view answered it."""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers


class PersonalDataNoStoreMiddleware:
    """``Cache-Control: no-store`` on every answer to a signed-in member of staff.

    Staff pages and API answers carry personal data (names, CPR numbers, phones, cases), so
    neither the browser nor a proxy may keep a copy: a shared computer's back button or disk
    cache must not show the last agent's caller. Public pages that show personal data mark
    themselves with Django's ``never_cache`` (the portal's receipt and tracking, the UYC and
    appeal forms, the public API), which sets the same header. Static files never get here:
    WhiteNoise answers them before this middleware, with their long cache lifetime.

    It stands after the authentication middleware; the user is read after the view ran, so
    a token-authenticated API client (DRF sets the user during the view) counts too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
