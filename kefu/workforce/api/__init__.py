"""The workforce API at /api/v1/workforce/: one router a concern, mounted here."""

from ninja import Router

from kefu.workforce.api.duty import router as duty_router

router = Router()
router.add_router("", duty_router)
