# One date and one date-time format per language (issue 17): the short forms are the long ones, so
# "12/08/2026 12:44 a.m." never sits beside "Dec. 7, 2026, 9 a.m." — also in third-party templates.
DATE_FORMAT = "N j, Y"
DATETIME_FORMAT = "N j, Y, P"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
