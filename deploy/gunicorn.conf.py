"""gunicorn's settings for deploy/systemd/smartregion-web.service (and the CI stack test).

Several sync workers: each request holds one worker, so N workers serve N requests at once; rate limits
and the page cache are shared between them through Redis (REDIS_URL). Environment variables of the unit
(GUNICORN_BIND, GUNICORN_WORKERS) change the defaults.
"""

import os

import gunicorn.http.wsgi

wsgi_app = "config.wsgi"
# Only nginx on this machine talks to gunicorn: the client address comes from nginx's X-Real-IP, which a
# client reaching gunicorn directly could forge.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
# A worker that takes longer is killed and replaced; exports and reports finish well within this.
timeout = 60
graceful_timeout = 30
# Replace workers now and then, so that a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# systemd manages the process (reload: kill -HUP); no control socket in the service user's home, which
# the unit keeps read-only.
control_socket_disable = True
# Logs go to the journal (stdout/stderr of the unit).
accesslog = "-"
errorlog = "-"
# gunicorn names itself in a Server header; answers should not tell which software runs the site
# (nginx drops it as well, this covers requests to gunicorn's own port).
gunicorn.http.wsgi.SERVER = "SmartRegion"
