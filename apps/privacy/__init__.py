"""Personal-data governance under Bahrain's Personal Data Protection Law (Law No. 30 of 2018).

One Django app per concern, like apps/integrations: ``history`` (who changed what, through
which door), ``desk`` (the data-protection officer's desk: read log, change history,
unusual-reading alerts), ``requests`` (subject access, rectification, objection) and
``retention`` (how long each kind of record is kept).
"""
