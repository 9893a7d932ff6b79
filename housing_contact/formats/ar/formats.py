# Arabic dates with the month's name, so no date can be read two ways (never 12/03/2026).
# Input formats stay Django's: forms accept ISO dates (2026-12-03) from the date pickers.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATETIME_FORMAT = "j F Y H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 0  # Sunday: the Bahraini working week runs Sunday to Thursday
