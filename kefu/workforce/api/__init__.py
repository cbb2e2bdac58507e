"""The workforce API at /api/v1/workforce/: one router a concern, mounted here."""

from ninja import Router

router = Router()
