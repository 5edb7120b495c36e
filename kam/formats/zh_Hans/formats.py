# Django's zh_Hans formats group no digits; money (formatted by Babel) does. Make all numbers agree.
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3

# One date and one date-time format per language (issue 17); Django's short forms already match.
DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
