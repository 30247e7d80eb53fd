"""The trainer console, included at /trainer/ (guarded by the staff middleware: trainers with 2FA only)."""

from django.urls import path

from .views import trainer

app_name = "events_trainer"

urlpatterns = [
    path("", trainer.index, name="index"),
    path("workshops/<int:pk>/", trainer.workshop, name="workshop"),
    path("workshops/<int:pk>/attendance/", trainer.attendance, name="attendance"),
    path("workshops/<int:pk>/walk-in/", trainer.walk_in, name="walk_in"),
    path("workshops/<int:pk>/roster.csv", trainer.roster_export, name="roster_csv"),
    path("workshops/<int:pk>/plan.xlsx", trainer.plan_export, name="plan_xlsx"),
    path("workshops/<int:pk>/report.xlsx", trainer.report_export, name="report_xlsx"),
    path("workshops/<int:pk>/check-in/", trainer.check_in_screen, name="check_in"),
    path("workshops/<int:pk>/check-in/code.json", trainer.check_in_code, name="check_in_code"),
    path("workshops/<int:pk>/close/", trainer.close, name="close"),
    path("workshops/<int:pk>/closing.json", trainer.closing_status, name="closing_status"),
    path("workshops/<int:pk>/cancel/", trainer.cancel, name="cancel"),
    path("workshops/<int:pk>/change/", trainer.change, name="change"),
    path("workshops/<int:pk>/paper/", trainer.paper_add, name="paper_add"),
    path("workshops/<int:pk>/paper/import/", trainer.paper_import, name="paper_import"),
    path("workshops/<int:pk>/paper/template.<str:kind>", trainer.paper_template, name="paper_template"),
    path("workshops/<int:pk>/paper/<int:participant_pk>/delete/", trainer.paper_delete, name="paper_delete"),
    path("workshops/<int:pk>/paper/<int:participant_pk>/revoke/", trainer.paper_revoke, name="paper_revoke"),
    path("workshops/<int:pk>/paper/certificates/", trainer.paper_certificates, name="paper_certificates"),
]
