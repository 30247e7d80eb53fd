from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "講座"

    def ready(self):
        from lms.accounts.mypage import register_panel

        from .mypage import course_progress_panel

        register_panel("courses", order=10, func=course_progress_panel)
