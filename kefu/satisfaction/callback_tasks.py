"""The hourly background sweep of callbacks and the dissatisfied list, run by the
django-q2 worker (scheduled after every migrate, `apps.py`). Both sweeps are safe to run
on several workers at once and again: each task and each reason is written once per
source."""

from __future__ import annotations

SWEEP = "kefu.satisfaction.callback_tasks.sweep"


def sweep() -> dict[str, int]:
    from kefu.satisfaction.services.callbacks import callbacks_sweep
    from kefu.satisfaction.services.dissatisfied import dissatisfied_sweep

    return {"callbacks": callbacks_sweep(), "dissatisfied": dissatisfied_sweep()}
