"""What one partner costs POST /v1/policy/simulate (issue 8 item 7): the page cap of
api/review_routes.MAX_SIMULATED_PARTNERS is derived from this figure.

    .venv/bin/python bench/simulate_cost.py [partners] [jobs per partner]

Partners are the bench's synthetic ones (`jobs` completed jobs over 60 days, six events each), in
moto, simulated under v1 and a candidate policy, one evidence query each, as the route does.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fixtures import AS_OF, load_network, moto_table


def main() -> None:
    partners = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    jobs = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    from scorecard.api.policy import MAX_SIMULATED_PARTNERS
    from scorecard.bootstrap import bootstrap
    from scorecard.services.simulation import simulate_policy

    with moto_table() as table:
        load_network(table, range(partners), jobs)
        boot = bootstrap()
        current = boot.policy
        candidate = current.model_copy(update={"version": "candidate", "timezone": "America/Chicago"})
        simulate_policy(
            boot.partners, boot.evidence, boot.scores, current, candidate, AS_OF, limit=2, cursor=None
        )  # warm-up
        started = time.perf_counter()
        result = simulate_policy(
            boot.partners, boot.evidence, boot.scores, current, candidate, AS_OF, limit=partners, cursor=None
        )
        seconds = time.perf_counter() - started
    assert result.partners_evaluated == partners, result.partners_evaluated
    per_partner_ms = seconds / partners * 1000
    print(f"partners={partners} jobs={jobs} total={seconds:.2f}s per_partner={per_partner_ms:.1f}ms")
    page_seconds = per_partner_ms * MAX_SIMULATED_PARTNERS / 1000
    print(f"cap={MAX_SIMULATED_PARTNERS}: one full page ~{page_seconds:.1f}s")


if __name__ == "__main__":
    main()
