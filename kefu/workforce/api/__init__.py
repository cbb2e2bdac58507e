"""The workforce API at /api/v1/workforce/: one router a concern, mounted here."""

from ninja import Router

from kefu.workforce.api.attendance import router as attendance_router
from kefu.workforce.api.duty import router as duty_router
from kefu.workforce.api.requests import router as requests_router
from kefu.workforce.api.rota import router as rota_router

router = Router()
router.add_router("", rota_router)
router.add_router("", requests_router)
router.add_router("", attendance_router)
router.add_router("", duty_router)
