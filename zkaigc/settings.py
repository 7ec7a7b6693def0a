"""Operations settings, one place: every `ZKAIGC_*` environment variable the bot, the fleet, the prover and the
app read, with its default (pydantic-settings).

    ZKAIGC_RPC=http://10.0.0.5:8545      the node the app attaches to (`make app RPC=…` / `--rpc` win over it)
    ZKAIGC_BROKER=redis://host:6380/0     the fleet's Redis (unset: one process, in-memory)
    ZKAIGC_ALLOW_DEV_SRS=1                serve development-SRS collections on a non-local chain (test networks)

`ProverSettings` is the prover's part (`zkaigc.prover.boot`: the CLI, the bot and the app read it the same way);
`Settings` adds the app's.

The chain a `ape run …` or `silverback run|worker` command talks to is its `--network` (an Ape network choice, or
a URL: `--network http://host:port`, no configuration needed); the devnet's address is
`node.ethereum.devnet.uri` in ape-config.yaml (Ape reads the yaml over its APE_NODE_ETHEREUM environment variable,
which only fills networks the yaml does not name, e.g. `ethereum:local:node`). `get_settings()` reads the
environment each time it is called, so a test or a launcher may set it per process.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

S = TypeVar("S", bound=BaseSettings)


class ProverSettings(BaseSettings):
    """What the prover reads from the environment (`zkaigc.prover.boot`): what it serves, where it keeps its state,
    how it retries, and the fleet's broker and leases."""

    model_config = SettingsConfigDict(env_prefix="ZKAIGC_", extra="ignore")

    #: The deployment manifest the prover reads (default: the network's, deployments/<ecosystem>-<network>.json).
    manifest: Path | None = None
    #: Comma-separated models the prover serves (default: every model in the manifest).
    models: str | None = None
    #: The prover's state file (default: next to the manifest; in a fleet one per worker process).
    state: Path | None = None
    #: The fleet's Redis URL (redis://host:port/db); unset: one process on Silverback's in-memory broker.
    broker: str | None = None
    #: The Redis stream's name (and consumer group) of the fleet.
    queue: str = "zkaigc"
    #: Seconds a worker's lease on a request lasts without renewal (a dead worker's request is proven again).
    lease_s: float = Field(default=15.0, gt=0)
    #: Seconds before an unacknowledged task is handed to another worker.
    redeliver_s: float = Field(default=60.0, gt=0)
    #: Serve development-SRS collections on a chain that is not a local dev chain (test networks only).
    allow_dev_srs: bool = False
    #: The first retry delay in seconds (doubles with each attempt, capped by `retry_cap`).
    retry_base: float = Field(default=5.0, ge=0)
    #: The longest retry delay in seconds.
    retry_cap: float = Field(default=300.0, ge=0)

    @property
    def model_list(self) -> list[str] | None:
        """`models` as a list (None: every model in the manifest)."""
        return [m for m in self.models.split(",") if m] if self.models else None


class Settings(ProverSettings):
    """The whole `ZKAIGC_*` environment, typed: the prover's settings and the app's."""

    #: The JSON-RPC URL of a running node for the app to attach to (unset: the app starts its own anvil).
    rpc: str | None = None
    #: The public URL the app is served at (https://app.example.org), for `/rpc`'s Origin check when the app does
    #: not listen on loopback (unset: the origin each request's Host header names).
    app_origin: str | None = None


def get_settings(kind: type[S] = Settings) -> S:
    """The settings (`Settings`, or a part such as `ProverSettings`) from the environment now; a bad value is a
    one-line `ZkaigcError`."""
    from pydantic import ValidationError

    from .errors import ZkaigcError

    try:
        return kind()
    except ValidationError as err:
        first = err.errors()[0]
        name = "ZKAIGC_" + "_".join(str(p) for p in first["loc"]).upper()
        raise ZkaigcError(f"{name}: {first['msg']}") from None
