"""Lambda SnapStart: the one piece of process state that must not be shared between environments
restored from the same snapshot.

With SnapStart (template.yaml) Lambda runs the handler module's import once, when a version is
published, snapshots the process and resumes every new execution environment from that snapshot.
What the import creates is then the same in all of them. Checked (README, Deploy):
  * boto3 clients, their connections and credentials: created on first use (adapters/aws.py), so
    after the restore, never in the snapshot;
  * clocks: read per call (settings.utc_now, bootstrap.Clock), never cached at import;
  * ids: uuid4 and secrets read os.urandom per call;
  * the Settings and the built-in policy (read on first use by the composition root) are the
    version's environment and files: the same in every environment of a version, so sharing them
    is correct; which version is in force is read from DynamoDB per run;
  * the `random` module's generator, however, is seeded at import, and botocore's retry backoff and
    our own jitter (adapters/event_store.py, adapters/mailer.py) draw from it: restored
    environments would all draw the same "random" delays, and writers that collided would retry in
    step. So it is reseeded (from os.urandom) after each restore.

The hook is registered with the Snapshot Restore for Python library, which Lambda's Python runtimes
include (https://docs.aws.amazon.com/lambda/latest/dg/snapstart-runtime-hooks-python.html); outside
Lambda (the local stack, the tests) there is no snapshot and nothing to register.
"""

from __future__ import annotations

import random
from collections.abc import Callable


def reseed_random() -> None:
    """The after-restore hook: a fresh seed for the shared generator (random.seed() with no argument
    reads os.urandom)."""
    random.seed()


def before_snapshot(warm: Callable[[], object]) -> bool:
    """Run `warm` before Lambda snapshots the initialised function (priming: e.g. compiling the
    templates every invocation renders), so restored environments start with it done. Outside
    Lambda nothing is snapshotted and `warm`'s work happens on first use. True if registered."""
    try:
        from snapshot_restore_py import register_before_snapshot  # type: ignore[import-not-found]
    except ImportError:
        return False
    register_before_snapshot(warm)
    return True


def register_hooks() -> bool:
    """Register the after-restore hook where the runtime provides the library; True if registered."""
    try:
        from snapshot_restore_py import register_after_restore  # type: ignore[import-not-found]
    except ImportError:
        return False
    register_after_restore(reseed_random)
    return True


register_hooks()
