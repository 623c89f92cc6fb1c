"""A FastAPI API with PyJWT, as FastAPI's tutorials build it ("OAuth2 with Password, Bearer
with JWT tokens" and "OAuth2 scopes": https://fastapi.tiangolo.com/tutorial/security/oauth2-jwt/,
https://fastapi.tiangolo.com/advanced/security/oauth2-scopes/), served by uvicorn.

Where the tutorial answers every PyJWT error with one "Could not validate credentials",
this app says which one in an RFC 6750 §3 challenge (error="invalid_token" with PyJWT's
own message as error_description), as a careful API does. Refresh tokens carry
token_type="refresh", the convention of djangorestframework-simplejwt that many FastAPI
apps copy.

    python app.py PORT
"""

import sys
import time
import uuid
from typing import Annotated

import jwt
import uvicorn
from fastapi import Depends, FastAPI, Form, HTTPException, Security, status
from fastapi.responses import HTMLResponse
from fastapi.security import OAuth2PasswordBearer, SecurityScopes

# A test canary, not a secret of anything real.
SECRET = "canary-fastapi-pyjwt-signing-key-0001"
PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
ISSUER = f"http://127.0.0.1:{PORT}"
AUDIENCE = f"http://127.0.0.1:{PORT}/api"

app = FastAPI()
oauth2_scheme = OAuth2PasswordBearer(
    tokenUrl="token", scopes={"items:read": "Read items.", "items:write": "Write items."}
)


@app.get("/", response_class=HTMLResponse)
def index():
    return "<!doctype html><title>fastapi interop</title><p>API client page</p>"


def mint(claims: dict, ttl: int) -> str:
    now = int(time.time())
    return jwt.encode(
        {"iss": ISSUER, "sub": "alice", "iat": now, "exp": now + ttl, "jti": str(uuid.uuid4()), **claims},
        SECRET,
        algorithm="HS256",
    )


@app.post("/token")
def token(
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    scope: Annotated[str, Form()] = "items:read",
    audience: Annotated[str, Form()] = AUDIENCE,
    ttl: Annotated[int, Form()] = 900,
    nbf_in: Annotated[int, Form()] = 0,
):
    if username != "alice" or password != "canary-fastapi-pass":
        raise HTTPException(status_code=400, detail="Incorrect username or password")
    access = {"aud": audience, "scope": scope, "token_type": "access"}
    if nbf_in:
        access["nbf"] = int(time.time()) + nbf_in
    return {
        "access_token": mint(access, ttl),
        "refresh_token": mint({"aud": AUDIENCE, "token_type": "refresh"}, 86400),
        "token_type": "bearer",
        "expires_in": ttl,
    }


def current_claims(security_scopes: SecurityScopes, token: Annotated[str, Depends(oauth2_scheme)]):
    scope_str = security_scopes.scope_str
    challenge = f'Bearer scope="{scope_str}"' if scope_str else "Bearer"
    try:
        claims = jwt.decode(token, SECRET, algorithms=["HS256"], audience=AUDIENCE, issuer=ISSUER)
    except jwt.InvalidTokenError as e:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Could not validate credentials",
            headers={"WWW-Authenticate": f'{challenge}, error="invalid_token", error_description="{e}"'},
        )
    if claims.get("token_type") != "access":
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Could not validate credentials",
            headers={"WWW-Authenticate": f'{challenge}, error="invalid_token", error_description="Access token required"'},
        )
    held = claims.get("scope", "").split()
    for needed in security_scopes.scopes:
        if needed not in held:
            # The tutorial's answer to a missing scope: 401 with the scopes in the challenge.
            raise HTTPException(
                status_code=status.HTTP_401_UNAUTHORIZED,
                detail="Not enough permissions",
                headers={"WWW-Authenticate": challenge},
            )
    return claims


@app.get("/api/items")
def read_items(claims: Annotated[dict, Security(current_claims, scopes=["items:read"])]):
    return [{"item": "canary-item", "owner": claims["sub"]}]


@app.post("/api/items")
def write_item(claims: Annotated[dict, Security(current_claims, scopes=["items:write"])]):
    return {"ok": True}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=PORT, log_level="info")
