"""Bot Framework tokens minted locally, and the OpenID metadata that trusts them.

botframework-connector validates a channel token against the keys listed at
an OpenID metadata URL (`https://login.botframework.com/v1/.well-known/
openidconfiguration` in the public cloud). botbuilder's parameterized
configuration (`TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL`, see
bot/handlers/teams/auth.py ChannelEndpoints) points it elsewhere; here, at a
server on 127.0.0.1 serving our own RSA key. The connector fetches metadata
with blocking `requests` calls from inside the event loop, so this server
runs in its own thread, not on the loop.

Outbound, botbuilder would sign in to Azure AD for a bot token; tests give it
`StaticTokenCredentials` instead, and the fake connector sees that token.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from botframework.connector.auth import AppCredentials, ServiceClientCredentialsFactory
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from msrest.authentication import Authentication

ISSUER = "https://api.botframework.com"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class OpenIdServer:
    """Serves `/.well-known/openidconfiguration` and `/keys` for the trusted key."""

    key: rsa.RSAPrivateKey = field(default_factory=new_key)
    kid: str = field(default_factory=lambda: uuid.uuid4().hex)
    endorsements: tuple[str, ...] = ("msteams",)
    _server: ThreadingHTTPServer | None = None

    def start(self) -> str:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        keys = {
            "keys": [{**jwk, "kid": self.kid, "use": "sig", "endorsements": [*self.endorsements]}]
        }

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                base = f"http://127.0.0.1:{self.server.server_port}"  # type: ignore[attr-defined]
                if self.path == "/.well-known/openidconfiguration":
                    body: Any = {"issuer": ISSUER, "jwks_uri": f"{base}/keys"}
                elif self.path == "/keys":
                    body = keys
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()
        return self.metadata_url

    @property
    def metadata_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/.well-known/openidconfiguration"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def token(self, app_id: str, service_url: str, **claims: Any) -> str:
        """A channel token as the Bot Framework issues it, signed with the trusted key."""
        return mint(self.key, self.kid, app_id, service_url, **claims)


def mint(key: rsa.RSAPrivateKey, kid: str, app_id: str, service_url: str, **claims: Any) -> str:
    now = int(time.time())
    payload = {
        "iss": ISSUER,
        "aud": app_id,
        "serviceurl": service_url,
        "nbf": now - 5,
        "iat": now - 5,
        "exp": now + 3600,
        **claims,
    }
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": kid})


class _StaticCredentials(AppCredentials):
    def __init__(self, app_id: str, token: str) -> None:
        super().__init__(app_id=app_id)
        self._token = token

    def get_access_token(self, force_refresh: bool = False) -> str:
        return self._token


class StaticTokenCredentials(ServiceClientCredentialsFactory):
    """The bot's outbound token, without signing in to Azure AD."""

    def __init__(self, app_id: str, token: str = "bot-token-for-tests") -> None:
        self.app_id = app_id
        self.token = token

    async def is_valid_app_id(self, app_id: str) -> bool:
        return app_id == self.app_id

    async def is_authentication_disabled(self) -> bool:
        return False

    async def create_credentials(
        self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool
    ) -> Authentication:
        return _StaticCredentials(app_id, self.token)
