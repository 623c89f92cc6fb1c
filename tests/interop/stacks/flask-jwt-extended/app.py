"""A Flask API protected by Flask-JWT-Extended, configured as its documentation shows
(https://flask-jwt-extended.readthedocs.io/en/stable/basic_usage.html, .../refreshing_tokens.html,
.../blocklist_and_token_revoking.html). Every refusal is the library's own default answer.

    python app.py PORT
"""

import sys
from datetime import timedelta

from flask import Flask, jsonify, request
from flask_jwt_extended import (
    JWTManager,
    create_access_token,
    create_refresh_token,
    get_jwt,
    get_jwt_identity,
    jwt_required,
)

app = Flask(__name__)
# A test canary, not a secret of anything real.
app.config["JWT_SECRET_KEY"] = "canary-flask-jwt-extended-signing-key-0001"
app.config["JWT_ACCESS_TOKEN_EXPIRES"] = timedelta(minutes=15)
jwt = JWTManager(app)

# The documented in-memory blocklist (use Redis in production, say the docs).
revoked = set()


@jwt.token_in_blocklist_loader
def check_if_token_revoked(jwt_header, jwt_payload):
    return jwt_payload["jti"] in revoked


PAGE = "<!doctype html><title>flask-jwt-extended interop</title><p>API client page</p>"


@app.get("/")
def index():
    return PAGE


@app.post("/api/login")
def login():
    body = request.get_json(silent=True) or {}
    if body.get("username") != "alice" or body.get("password") != "canary-flask-pass":
        return jsonify(msg="Bad username or password"), 401
    # ?ttl=SECONDS: a short-lived access token, for the expiry scenario.
    ttl = request.args.get("ttl", type=int)
    expires = timedelta(seconds=ttl) if ttl is not None else None
    return jsonify(
        access_token=create_access_token(identity="alice", expires_delta=expires),
        refresh_token=create_refresh_token(identity="alice"),
    )


@app.post("/api/refresh")
@jwt_required(refresh=True)
def refresh():
    return jsonify(access_token=create_access_token(identity=get_jwt_identity()))


@app.delete("/api/logout")
@jwt_required()
def logout():
    revoked.add(get_jwt()["jti"])
    return jsonify(msg="Access token revoked")


@app.get("/api/protected")
@jwt_required()
def protected():
    return jsonify(logged_in_as=get_jwt_identity())


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(sys.argv[1]), threaded=True)
