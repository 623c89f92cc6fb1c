"""A Flask app whose pages and API are guarded by Flask-Login's session cookie
(https://flask-login.readthedocs.io/en/latest/): login_user() at POST /login, logout_user()
at POST /logout, @login_required on /api/me. No login_view is set, so an anonymous request
gets Flask-Login's documented default, abort(401). The session is Flask's signed cookie,
permanent with a 3-second lifetime (PERMANENT_SESSION_LIFETIME), so that it expires within
one scenario.

A second, stateless sign-in (POST /api/session) answers a token under a name of its own,
{"result": {"authToken": ...}}, that the client must send as Authorization: Token <t>
(Flask-Login's request_loader, the docs' "Custom Login using Request Loader").

    python app.py PORT
"""

import sys
from datetime import timedelta

from flask import Flask, jsonify, request, session
from flask_login import LoginManager, UserMixin, login_required, login_user, logout_user, current_user

app = Flask(__name__)
# Test canaries, not secrets of anything real.
app.config["SECRET_KEY"] = "canary-flask-login-secret-key-0001"
app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=3)
app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
API_TOKEN = "canary-flask-login-api-token-0001"

login_manager = LoginManager(app)


class User(UserMixin):
    id = "alice"


@login_manager.user_loader
def load_user(user_id):
    return User() if user_id == "alice" else None


@login_manager.request_loader
def load_user_from_request(req):
    if req.headers.get("Authorization", "") == f"Token {API_TOKEN}":
        return User()
    return None


@app.get("/")
def index():
    return "<!doctype html><title>flask-login interop</title><p>sign-in page</p>"


@app.post("/login")
def login():
    if request.form.get("username") != "alice" or request.form.get("password") != "canary-flask-login-pass":
        return jsonify(error="bad credentials"), 401
    session.permanent = request.form.get("permanent") == "1"
    login_user(User())
    return jsonify(ok=True, user="alice")


@app.post("/logout")
def logout():
    logout_user()
    return jsonify(ok=True)


@app.post("/api/session")
def api_session():
    body = request.get_json(silent=True) or {}
    if body.get("login") != "alice" or body.get("secret") != "canary-flask-login-pass":
        return jsonify(error="bad credentials"), 401
    return jsonify(result={"authToken": API_TOKEN, "user": "alice"})


@app.get("/api/me")
@login_required
def me():
    return jsonify(user=current_user.id)


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(sys.argv[1]), threaded=True)
