"""The WSGI entry point for production servers: `gunicorn campaigns.wsgi:app`."""

from campaigns import create_app

app = create_app()
