"""REST framework token authentication that answers in the account's language.

``LanguageMiddleware`` picks the page language before the REST framework authenticates a
token (that happens inside the view), so a system calling with a token — the telephony
system posting call records, say — would get Arabic, or whatever a cookie said, whatever
its account is set to. Here the account's language is switched on as soon as its token is
accepted; the middleware then reports it in ``Content-Language``.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_lazy as _rf  # the REST framework's own messages, its catalog
from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.models import Token

from apps.core.errors import ApplicationError
from apps.core.prepared import PreparedQuery

# Every call a system makes with a token starts here: compiled once per thread
# (apps/core/prepared.py), it is the REST framework's own look-up without building it each time.
_token_lookup = PreparedQuery(
    "accounts.token_lookup", lambda key: Token.objects.select_related("user").filter(key=key)[:1], key=str
)


class LanguageTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        """The REST framework's checks and messages (unknown token, inactive user)."""
        found = _token_lookup.run(key=key)
        if not found:
            raise exceptions.AuthenticationFailed(_rf("Invalid token."))
        token = found[0]
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_rf("User inactive or deleted."))
        return (token.user, token)

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            language = getattr(result[0], "language", None)
            if language in {code for code, _name in settings.LANGUAGES}:
                translation.activate(language)
                request._request.LANGUAGE_CODE = language
        return result


class VerifiedSessionAuthentication(SessionAuthentication):
    """Session authentication for the UI's API calls, once the session's two-factor step is
    done (apps/accounts/two_factor.py). A session still waiting for its second factor gets
    401 ``two_factor_required``, never the data. Token authentication (systems) is separate
    and unaffected."""

    def authenticate(self, request):
        from apps.accounts import two_factor

        result = super().authenticate(request)
        if result is not None and two_factor.is_pending(request._request):
            raise ApplicationError(
                _("Finish signing in with your second factor first."), code="two_factor_required", status=401
            )
        return result


class VerifiedSessionScheme(SessionScheme):
    """The OpenAPI schema describes it as the cookie session it is."""

    target_class = "apps.accounts.authentication.VerifiedSessionAuthentication"
