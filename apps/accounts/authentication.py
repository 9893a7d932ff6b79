"""REST framework token authentication that answers in the account's language.

``LanguageMiddleware`` picks the page language before the REST framework authenticates a
token (that happens inside the view), so a system calling with a token — the telephony
system posting call records, say — would get Arabic, or whatever a cookie said, whatever
its account is set to. Here the account's language is switched on as soon as its token is
accepted; the middleware then reports it in ``Content-Language``.
"""

from django.conf import settings
from django.utils import translation
from rest_framework.authentication import TokenAuthentication


class LanguageTokenAuthentication(TokenAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            language = getattr(result[0], "language", None)
            if language in {code for code, _name in settings.LANGUAGES}:
                translation.activate(language)
                request._request.LANGUAGE_CODE = language
        return result
