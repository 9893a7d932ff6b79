"""Every system the product talks to, one small Django app per partner.

``apps.integrations.signing`` is the one way a partner's request is authenticated (HMAC-SHA256
over the timestamp and the body, a replay window, two secrets at once while one is rotated);
each partner's app (``tawasul``, ``mail``, ``sms``, ``housing_feed``, ``open311``, ``webhooks``)
keeps its contract behind its own module so that the real one can be fitted without touching
the domain. Floor 7: partners call the services of tickets, contacts and citizens, never the
other way round.
"""
