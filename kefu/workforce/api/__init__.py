"""The workforce API at /api/v1/workforce/: one router a concern, mounted here."""

from ninja import Router

from kefu.workforce.api.requests import router as requests_router

router = Router()
router.add_router("", requests_router)
