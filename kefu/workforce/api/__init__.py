"""The workforce API at /api/v1/workforce/: one router a concern, mounted here."""

from ninja import Router

router = Router()

from kefu.workforce.api.attendance import router as attendance_router  # noqa: E402

router.add_router("", attendance_router)
