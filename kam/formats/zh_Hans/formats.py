# Django's zh_Hans formats group no digits; money (formatted by Babel) does. Make all numbers agree.
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3

# One date and one date-time format per language (issue 17); Django's short forms already match.
DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT

# A widget renders its value in the first input format, and <input type="date"> accepts only ISO
# (Django's zh_Hans puts "%Y/%m/%d" first, which the browser refuses and shows as an empty field).
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%n月%j日"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S.%f",
    "%Y年%n月%j日 %H:%M",
    "%Y年%n月%j日 %H:%M:%S",
]
