# Django's zh_Hans formats group no digits; money (formatted by Babel) does. Make all numbers agree.
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
