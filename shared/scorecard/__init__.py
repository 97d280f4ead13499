# Every handler imports this package first: SnapStart's after-restore hook is registered here, once
# per execution environment, before the snapshot is taken (scorecard/snapstart.py).
from scorecard.platform import snapstart as snapstart
