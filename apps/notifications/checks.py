"""System checks: an SMS gateway that cannot send is said at start-up, not at first send."""

from django.core.checks import Warning, register

from apps.notifications import conf


@register()
def sms_gateway_configured(app_configs, **kwargs):
    backend = conf.get("HOUSING_SMS_BACKEND")
    if backend.endswith("HttpSmsBackend") and not conf.get("HOUSING_SMS_URL"):
        return [
            Warning(
                "HOUSING_SMS_BACKEND is the HTTP gateway but HOUSING_SMS_URL is not set: every SMS will fail.",
                hint="Set HOUSING_SMS_URL (and credentials), or use the file backend for development.",
                id="notifications.W001",
            )
        ]
    return []
