#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings")
    # manage.py is the developer's tool: without DEBUG in the environment it runs in development
    # mode, so makemigrations, shell or runserver work on a fresh checkout. Production sets DEBUG=0
    # (docker-compose.yml, the Dockerfile) and then needs SECRET_KEY as before; wsgi.py has no
    # such default.
    os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
