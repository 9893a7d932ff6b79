"""The minimal Django site that runs django-helpdesk for ``bench.peer`` (our files only).

It is imported by the peer's own virtualenv (``var/peer/venv``, where django-helpdesk is
installed), never by this project's: ``bench/peer.py`` runs ``setup.py`` and gunicorn from
that virtualenv with ``bench/`` on the path and ``DJANGO_SETTINGS_MODULE=peer_site.settings``.
"""
