"""Fill the site with realistic Russian demo content. Safe to run twice."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import services as account_services
from accounts.models import User
from community.models import Grade, Subject

DEMO_PASSWORD = "kollegi-demo-2026"  # noqa: S105 - demo accounts only

# (e-mail, name, school, city, region, time zone, subjects, grades)
TEACHERS = [
    ("demo@kollegi.local", "Анна Сергеевна Морозова", "МБОУ «Лицей № 7»",
     "Казань", "tatarstan", "Europe/Moscow", ["mathematics", "algebra"],
     ["grade-7", "grade-8", "grade-9"]),
    ("i.petrov@kollegi.local", "Иван Петрович Петров", "МАОУ «Гимназия № 2»",
     "Екатеринбург", "sverdlovsk", "Asia/Yekaterinburg", ["physics", "astronomy"],
     ["grade-9", "grade-10", "grade-11"]),
    ("e.smirnova@kollegi.local", "Елена Викторовна Смирнова", "ГБОУ «Школа № 1535»",
     "Москва", "moscow", "Europe/Moscow", ["russian-language", "literature"],
     ["grade-5", "grade-6", "grade-10"]),
    ("o.kuznetsova@kollegi.local", "Ольга Николаевна Кузнецова",
     "МБОУ «СОШ № 14»", "Новосибирск", "novosibirsk", "Asia/Novosibirsk",
     ["primary-school"], ["grade-1", "grade-2", "grade-3", "grade-4"]),
    ("d.volkov@kollegi.local", "Дмитрий Александрович Волков",
     "МАОУ «Лицей № 131»", "Красноярск", "krasnoyarsk", "Asia/Krasnoyarsk",
     ["computer-science"], ["grade-8", "grade-9", "grade-10", "grade-11"]),
    ("t.sokolova@kollegi.local", "Татьяна Игоревна Соколова",
     "ГБОУ «Гимназия № 610»", "Санкт-Петербург", "saint-petersburg",
     "Europe/Moscow", ["english"], ["grade-2", "grade-5", "grade-7"]),
    ("a.lebedev@kollegi.local", "Алексей Михайлович Лебедев", "МБОУ «СОШ № 3»",
     "Владивосток", "primorsky", "Asia/Vladivostok", ["history", "social-studies"],
     ["grade-6", "grade-8", "grade-11"]),
    ("m.novikova@kollegi.local", "Марина Юрьевна Новикова",
     "МАДОУ «Детский сад № 45 „Солнышко“»", "Самара", "samara", "Europe/Samara",
     ["preschool-education"], ["preschool"]),
    ("s.fedorov@kollegi.local", "Сергей Владимирович Фёдоров",
     "МБОУ «Школа № 21»", "Ростов-на-Дону", "rostov", "Europe/Moscow",
     ["physical-education", "life-safety"], ["grade-5", "grade-9"]),
    ("n.pavlova@kollegi.local", "Наталья Андреевна Павлова",
     "ГАПОУ «Казанский педагогический колледж»", "Казань", "tatarstan",
     "Europe/Moscow", ["biology", "chemistry"], ["grade-10", "college"]),
    ("g.orlova@kollegi.local", "Галина Петровна Орлова", "МБОУ «СОШ с. Берёзовка»",
     "Берёзовка", "perm", "Asia/Yekaterinburg", ["geography"],
     ["grade-5", "grade-6", "grade-7"]),
    ("moderator@kollegi.local", "Ирина Васильевна Белова", "Методический центр",
     "Нижний Новгород", "nizhny-novgorod", "Europe/Moscow", ["school-psychology"],
     ["additional-education"]),
]  # fmt: skip
MODERATOR_EMAIL = "moderator@kollegi.local"
EXPERT_EMAILS = ["i.petrov@kollegi.local", "e.smirnova@kollegi.local"]


class Command(BaseCommand):
    help = "Create demo teachers, schools and roles; running it again adds nothing."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        subjects = {subject.slug: subject for subject in Subject.objects.all()}
        grades = {grade.slug: grade for grade in Grade.objects.all()}
        created = 0
        for (email, name, school, city, region, zone, subject_slugs,
             grade_slugs) in TEACHERS:  # fmt: skip
            if User.objects.filter(email__iexact=email).exists():
                continue
            account_services.member_create(
                email=email,
                password=DEMO_PASSWORD,
                display_name=name,
                school=school,
                city=city,
                region=region,
                time_zone=zone,
                subjects=[subjects[slug] for slug in subject_slugs],
                grades=[grades[slug] for slug in grade_slugs],
            )
            created += 1
        moderator = User.objects.get(email=MODERATOR_EMAIL)
        account_services.user_grant_role(
            user=moderator, role=account_services.MODERATORS
        )
        for user in User.objects.filter(email__in=EXPERT_EMAILS):
            account_services.user_grant_role(user=user, role=account_services.EXPERTS)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data: {created} new members.")
            if created
            else "Demo data is already there; nothing added."
        )
        self.stdout.write(
            f"Demo login: {TEACHERS[0][0]} / {DEMO_PASSWORD}\n"
            f"Moderator (admin site): {MODERATOR_EMAIL} / {DEMO_PASSWORD}"
        )
