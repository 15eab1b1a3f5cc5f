"""Fill the site with realistic Russian demo content. Safe to run twice."""

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.test.utils import override_settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from accounts import services as account_services
from accounts.models import BlogComment, BlogPost, User
from community.management.base import SiteCommand
from community.models import Grade, Subject
from community.search import search_kinds, search_rebuild

DEMO_PASSWORD = "kollegi-demo-2026"  # noqa: S105 - demo accounts only

# (e-mail, name, school, city, region, time zone, subjects, grades)
TEACHERS = [
    ("demo@kollegi.local", "Анна Сергеевна Морозова", "МБОУ «Лицей № 7»",
     "Казань", "tatarstan", "Europe/Moscow", ["mathematics", "algebra"],
     ["grade-7", "grade-8", "grade-9"]),
    ("i.petrov@kollegi.local", "Иван Петрович Петров", "МАОУ «Гимназия № 2»",
     "Екатеринбург", "sverdlovsk", "Asia/Yekaterinburg",
     ["physics", "astronomy", "mathematics"], ["grade-9", "grade-10", "grade-11"]),
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
# (founder, co-founders, the community's fields, who joins, who asks to join
# with what, who is invited)
COMMUNITIES = [
    ("demo@kollegi.local", ["i.petrov@kollegi.local", "d.volkov@kollegi.local"],
     {"name": "Математики и физики Поволжья",
      "purpose": "Обмениваемся задачами, разбираем трудные темы ОГЭ и ЕГЭ и "
                 "вместе готовим школьников к олимпиадам.",
      "description": "Раз в месяц — **онлайн-разбор** сложной задачи. "
                     "Новичкам рады: спрашивайте, здесь не смеются.",
      "subject": "mathematics", "region": "tatarstan",
      "tags": ["олимпиады", "егэ"], "visibility": "public", "joining": "open"},
     ["n.pavlova@kollegi.local"], [], []),
    ("e.smirnova@kollegi.local",
     ["t.sokolova@kollegi.local", "o.kuznetsova@kollegi.local"],
     {"name": "Молодые педагоги: первые годы в школе",
      "purpose": "Поддержка учителей в первые три года работы: вопросы без "
                 "стеснения, советы наставников, разбор трудных уроков.",
      "visibility": "members", "joining": "request"},
     [], [("a.lebedev@kollegi.local",
           "Работаю второй год, хочу учиться у коллег.")], []),
    ("o.kuznetsova@kollegi.local",
     ["m.novikova@kollegi.local", "s.fedorov@kollegi.local"],
     {"name": "Наставники: закрытая мастерская",
      "purpose": "Наставники делятся наблюдениями за уроками подопечных и "
                 "договариваются о совместных открытых занятиях.",
      "visibility": "private", "joining": "invitation"},
     [], [], ["demo@kollegi.local"]),
]  # fmt: skip

# What each demo community holds, by its name: topics of its forum section as
# (author, title, kind, text, [(e-mail, reply)], accepted reply), materials of
# its collection as (material's title, added by), and its meeting in person as
# (host, title, text, days from today, hour, for its members only).
COMMUNITY_HOLDINGS = {
    "Математики и физики Поволжья": (
        [("demo@kollegi.local", "Задачи на делимость для школьного этапа",
          "question", "Какие задачи на делимость вы даёте шестиклассникам "
                      "перед школьным этапом олимпиады?",
          [("i.petrov@kollegi.local",
            "Беру задачи о последней цифре степени: коротко и красиво."),
           ("n.pavlova@kollegi.local",
            "Признаки делимости на 3 и 9 через игру «Угадай число».")], 0),
         ("d.volkov@kollegi.local", "Задача месяца: лодка и течение реки",
          "discussion", "Разбираем задачу о движении по реке: как вы рисуете "
                        "схему, чтобы дети не путали скорости?",
          [("demo@kollegi.local", "Рисуем реку стрелкой и лодку двумя стрелками.")],
          None)],
        [("Дробные числа. Урок для 5-го класса", "i.petrov@kollegi.local"),
         ("Лабораторная работа «Измерение силы трения»", "demo@kollegi.local")],
        ("d.volkov@kollegi.local", "Встреча в Казани: олимпиадные задачи за чаем",
         "Приносите любимые задачи: решаем вместе и собираем общий сборник.",
         9, 15, False),
    ),
    "Молодые педагоги: первые годы в школе": (
        [("t.sokolova@kollegi.local", "Как сберечь голос к концу четверти?",
          "question", "К пятнице совсем нет голоса. Что помогает вам?",
          [("e.smirnova@kollegi.local",
            "Паузы и жесты вместо крика: класс быстро к ним привыкает.")], None),
         ("o.kuznetsova@kollegi.local", "Первое родительское собрание",
          "discussion", "Что обязательно сказать родителям на первом собрании?",
          [], None)],
        [("Тест по орфографии: Н и НН в причастиях", "e.smirnova@kollegi.local"),
         ("Дробные числа. Урок для 5-го класса", "t.sokolova@kollegi.local")],
        ("t.sokolova@kollegi.local", "Чаепитие молодых педагогов",
         "Знакомимся вживую, делимся трудностями первых лет и находим наставников.",
         7, 17, True),
    ),
    "Наставники: закрытая мастерская": (
        [("m.novikova@kollegi.local", "Карта наблюдения урока: ваш вариант",
          "discussion", "Выкладываю свою карту наблюдения — что бы вы добавили?",
          [("s.fedorov@kollegi.local", "Добавил бы время, когда говорят дети.")],
          None),
         ("s.fedorov@kollegi.local", "Как давать обратную связь после урока?",
          "question", "Подопечная расстраивается после разбора. Как говорить мягче?",
          [("o.kuznetsova@kollegi.local",
            "Сначала спросите, что ей самой понравилось в уроке.")], None)],
        [("Дробные числа. Урок для 5-го класса", "o.kuznetsova@kollegi.local"),
         ("Тест по орфографии: Н и НН в причастиях", "m.novikova@kollegi.local")],
        ("m.novikova@kollegi.local", "Взаимопосещение: открытое занятие в саду",
         "Смотрим занятие вместе и сразу обсуждаем его за круглым столом.",
         14, 10, False),
    ),
}  # fmt: skip

# (e-mail, category, methodist, mentor, years, interests, about)
PROFILE_EXTRAS = {
    "demo@kollegi.local": (
        "highest",
        True,
        True,
        18,
        ["олимпиадная математика", "ФГОС"],
        "Учу математике с 2008 года. Веду кружок олимпиадной математики и "
        "помогаю молодым коллегам.\n\n"
        "- готовлю к ОГЭ и ЕГЭ\n- люблю задачи на смекалку",
    ),
    "i.petrov@kollegi.local": (
        "highest",
        True,
        False,
        25,
        ["эксперимент", "астрономия"],
        "Физика — это **эксперимент**. Делюсь опытом школьной лаборатории.",
    ),
    "e.smirnova@kollegi.local": (
        "first",
        False,
        True,
        12,
        ["читательская грамотность"],
        "Русский язык и литература. Верю, что каждый ученик может полюбить чтение.",
    ),
    "o.kuznetsova@kollegi.local": (
        "first",
        False,
        False,
        9,
        ["игровые технологии"],
        "Начальная школа: учимся играя.",
    ),
    "d.volkov@kollegi.local": (
        "conformity",
        False,
        False,
        4,
        ["робототехника", "Python"],
        "Информатика и робототехника, веду проектную работу.",
    ),
    "t.sokolova@kollegi.local": (
        "first",
        False,
        False,
        15,
        ["проектная работа"],
        "Английский язык. Люблю проекты с зарубежными школами.",
    ),
}
# (author e-mail, title, body, tags, published)
POSTS = [
    ("demo@kollegi.local", "Как я ввожу дроби в пятом классе",
     "Начинаю с **пиццы и шоколадки**: дети сами делят целое на части.\n\n"
     "1. Сначала — на глаз\n2. Потом — на бумаге\n3. И только потом — правило",
     ["дроби", "5 класс"], True),
    ("demo@kollegi.local", "Подготовка к олимпиаде: план на год",
     "Делюсь планом занятий кружка: от логических задач до комбинаторики.",
     ["олимпиады"], True),
    ("demo@kollegi.local", "Черновик: заметки о ФГОС",
     "Пока собираю мысли.", ["ФГОС"], False),
    ("i.petrov@kollegi.local", "Лабораторная работа без лаборатории",
     "Что можно измерить с помощью смартфона: ускорение, освещённость, звук.",
     ["эксперимент", "физика"], True),
    ("e.smirnova@kollegi.local", "Читательский клуб в седьмом классе",
     "Раз в месяц мы обсуждаем одну книгу. Правило одно: *без оценок*.",
     ["чтение"], True),
    ("d.volkov@kollegi.local", "Первые шаги в робототехнике",
     "С какого набора начать, если бюджет школы скромный.",
     ["робототехника"], True),
]  # fmt: skip
# (commenter e-mail, post title, text)
COMMENTS = [
    ("o.kuznetsova@kollegi.local", "Как я ввожу дроби в пятом классе",
     "Спасибо! Попробую с третьеклассниками в игровой форме."),
    ("i.petrov@kollegi.local", "Как я ввожу дроби в пятом классе",
     "Отличная идея, у нас в физике тоже всё начинается с наглядности."),
    ("t.sokolova@kollegi.local", "Читательский клуб в седьмом классе",
     "А можно так же на английском? Хочу попробовать."),
]  # fmt: skip
# (follower e-mail, followee e-mail)
FOLLOWS = [
    ("o.kuznetsova@kollegi.local", "demo@kollegi.local"),
    ("d.volkov@kollegi.local", "demo@kollegi.local"),
    ("t.sokolova@kollegi.local", "e.smirnova@kollegi.local"),
    ("demo@kollegi.local", "i.petrov@kollegi.local"),
    ("i.petrov@kollegi.local", "demo@kollegi.local"),
    ("demo@kollegi.local", "e.smirnova@kollegi.local"),
    ("g.orlova@kollegi.local", "demo@kollegi.local"),
]
# (slug, title, description, subject slug or "", informal)
SECTIONS = [
    ("matematika", "Математика", "Методика, задачи, подготовка к ОГЭ и ЕГЭ.",
     "mathematics", False),
    ("russkij-yazyk", "Русский язык и литература", "Уроки, чтение, сочинения.",
     "russian-language", False),
    ("nachalnaya-shkola", "Начальная школа", "Всё о работе с младшими школьниками.",
     "primary-school", False),
    ("konsultacii", "Консультации экспертов",
     "Задайте вопрос — ответят опытные коллеги.", "", False),
    ("uchitelskaya", "Учительская", "Неформальное общение: о жизни, отдыхе и юморе.",
     "", True),
]  # fmt: skip
# Links to services whose players Kollegi embeds (community.embed_providers):
# each alone on its line, so it shows as a card. Made-up addresses: nothing is
# fetched without a worker, so the cards stay plain, and a player says the
# video or document is not there.
DEMO_RECORDING = "https://rutube.ru/video/7f1c5e0a9b3d4c2e8a6f0b1d2c3e4f5a/"
DEMO_DOCUMENT = "https://docs.google.com/document/d/1Kq3ZsR8vLmNpXw2TyUe6HbGd9FjCa0Ql4IoSr7VtYx/edit"
# (section, author e-mail, title, kind, text, [(e-mail, reply)], accepted reply)
TOPICS = [
    ("matematika", "demo@kollegi.local", "Как объяснить отрицательные числа?",
     "question", "Шестиклассники путаются в знаках. Какие образы помогают?",
     [("i.petrov@kollegi.local", "Термометр и лифт: выше и ниже нуля."),
      ("g.orlova@kollegi.local", "Мы рисуем числовую прямую на полу в коридоре.")], 1),
    ("konsultacii", "o.kuznetsova@kollegi.local",
     "Аттестация на первую категорию: с чего начать?",
     "question", "В этом году подаю документы. Что собрать в портфолио?",
     [("e.smirnova@kollegi.local",
       "Начните с открытых уроков и публикаций — их видно в портфолио.")],
     0),
    ("uchitelskaya", "t.sokolova@kollegi.local", "Как вы отдыхаете после четверти?",
     "discussion", "Делитесь: книги, походы, сериалы?",
     [("d.volkov@kollegi.local", "Собираю с сыном робота :)"),
      ("s.fedorov@kollegi.local", "Лыжи, конечно!")], None),
    ("russkij-yazyk", "e.smirnova@kollegi.local",
     "Сочинение-рассуждение: ваши критерии",
     "discussion", "Как вы оцениваете аргументацию в 8 классе?",
     [("demo@kollegi.local", "Смотрю, есть ли пример из жизни и из книги.")], None),
    ("russkij-yazyk", "e.smirnova@kollegi.local",
     "Запись мастер-класса об аргументации и конспект",
     "discussion",
     "Выложила запись мастер-класса «Сочинение ЕГЭ: как научить аргументации»:\n\n"
     f"{DEMO_RECORDING}\n\n"
     "И конспект с примерами аргументов — копируйте себе:\n\n"
     f"{DEMO_DOCUMENT}\n\n"
     "Что добавили бы для восьмиклассников?",
     [("i.petrov@kollegi.local",
       "Спасибо! Для восьмых я бы взял примеры из «Капитанской дочки».")], None),
]  # fmt: skip
# (author, title, summary, description, subject, grades, kind, licence, tags,
#  file name, file text, ratings as (rater, score, comment))
MATERIALS = [
    (
        "demo@kollegi.local",
        "Дробные числа. Урок для 5-го класса",
        "Конспект урока-открытия с рабочим листом: дроби на примере пиццы.",
        "**Цель:** ввести понятие дроби через жизненные ситуации.\n\n"
        "1. Разминка: делим пиццу на части.\n2. Запись дроби.\n3. Рабочий лист.",
        "mathematics",
        ["grade-5"],
        "lesson_plan",
        "cc-by",
        ["дроби", "5 класс"],
        "Дроби 5 класс.txt",
        "Рабочий лист. 1) Запишите дробью: половина пиццы.",
        [
            ("i.petrov@kollegi.local", 5, "Возьму в свой 5 «Б», спасибо!"),
            ("o.kuznetsova@kollegi.local", 4, ""),
            ("d.volkov@kollegi.local", 5, "Отличная идея с пиццей."),
        ],
    ),
    (
        "i.petrov@kollegi.local",
        "Лабораторная работа «Измерение силы трения»",
        "Инструкция и бланк отчёта для 7-го класса.",
        "Оборудование, ход работы, вопросы для самопроверки.",
        "physics",
        ["grade-7"],
        "worksheet",
        "cc-by-sa",
        ["лабораторная", "трение"],
        "Сила трения.txt",
        "Бланк отчёта. Таблица измерений: F, Н; m, кг.",
        [("demo@kollegi.local", 5, "Пригодилось на замене.")],
    ),
    (
        "e.smirnova@kollegi.local",
        "Тест по орфографии: Н и НН в причастиях",
        "20 заданий с ключами, два варианта.",
        "Тест для текущего контроля; ключи в конце файла.",
        "russian-language",
        ["grade-7", "grade-8"],
        "test",
        "cc-by-nc",
        ["орфография", "причастия"],
        "Н и НН.txt",
        "Вариант 1. 1) Вяза..ый шарф. 2) Кова..ый меч.",
        [],
    ),
]

# The demo experts' reviews of the first material: (expert, overall comment).
REVIEWS = [
    (
        "i.petrov@kollegi.local",
        "Живой урок: пицца работает лучше любого круга на доске. Рекомендую.",
    ),
    (
        "e.smirnova@kollegi.local",
        "Понятная структура и хороший рабочий лист; задания грамотно сформулированы.",
    ),
]

# (host, title, description, subject, format, days from today (negative: past),
#  hour, capacity, participants, feedback of the past ones as (who, score, text))
MASTERCLASSES = [
    (
        "demo@kollegi.local",
        "Дроби без страха: игры на уроке математики",
        "Покажу пять игр, после которых пятиклассники **перестают бояться** дробей.",
        "mathematics",
        "online",
        5,
        16,
        30,
        ["o.kuznetsova@kollegi.local", "d.volkov@kollegi.local"],
        [],
    ),
    (
        "i.petrov@kollegi.local",
        "Лабораторная на коленке: физика без кабинета",
        "Опыты из того, что есть в любом классе.",
        "physics",
        "hybrid",
        12,
        15,
        2,
        ["demo@kollegi.local", "t.sokolova@kollegi.local", "a.lebedev@kollegi.local"],
        [],
    ),
    (
        "e.smirnova@kollegi.local",
        "Сочинение ЕГЭ: как научить аргументации",
        "Разбираем реальные работы и типичные ошибки.",
        "russian-language",
        "online",
        -10,
        17,
        None,
        ["demo@kollegi.local", "m.novikova@kollegi.local"],
        [
            ("demo@kollegi.local", 5, "Очень практично, спасибо!"),
            ("m.novikova@kollegi.local", 4, ""),
        ],
    ),
]

# The recordings of past master-classes (a card on the master-class's page).
RECORDINGS = {"Сочинение ЕГЭ: как научить аргументации": DEMO_RECORDING}

MODERATOR_EMAIL = "moderator@kollegi.local"
# The Experts group: they review materials and answer the consultation lines
# of the subjects in their profiles (mathematics, Russian, primary school).
EXPERT_EMAILS = [
    "i.petrov@kollegi.local",
    "e.smirnova@kollegi.local",
    "o.kuznetsova@kollegi.local",
]

# Conversations between colleagues: (sender, recipients, subject, messages as
# (author, text); the first is the sender's). Petrov and the demo teacher
# follow each other: their conversation is in both inboxes at once. Orlova's
# first message waits for the demo teacher as a request: she does not follow
# Orlova.
CONVERSATIONS = [
    ("i.petrov@kollegi.local", ["demo@kollegi.local"],
     "Интегрированный урок: графики движения",
     [("i.petrov@kollegi.local",
       "Анна Сергеевна, добрый день! Хочу предложить интегрированный урок для "
       "девятых классов: графики равномерного движения на физике и линейная "
       "функция на алгебре. Возьмёте математическую часть?"),
      ("demo@kollegi.local",
       "Иван Петрович, с радостью! Линейную функцию мы как раз проходим в "
       "ноябре. Предлагаю начать с задачи про два поезда: её можно решить и "
       "графиком, и уравнением."),
      ("i.petrov@kollegi.local",
       "Отлично. Я подготовлю опыт с тележкой и секундомером, а дети построят "
       "график по своим измерениям. Созвонимся в четверг после уроков?"),
      ("demo@kollegi.local",
       "Договорились: в четверг в 16:00 по Москве. Черновик плана пришлю "
       "накануне."),
      ("i.petrov@kollegi.local",
       "Жду. А я пришлю таблицу измерений из прошлогоднего опыта — пригодится "
       "для задач.")]),
    ("g.orlova@kollegi.local", ["demo@kollegi.local"],
     "Олимпиадный кружок в сельской школе",
     [("g.orlova@kollegi.local",
       "Анна Сергеевна, здравствуйте! Читаю ваш блог о подготовке к "
       "олимпиадам. У нас в школе всего семь пятиклассников и нет кружка по "
       "математике. Подскажите, с каких задач начать, чтобы дети не "
       "испугались?")]),
]  # fmt: skip
# A consultation line for each subject of the demo forum's sections: (subject,
# title, description, answer within days, its question as (asker, subject,
# text), the answer as (expert, text), the asker's thanks).
LINES = [
    ("mathematics", "Методика преподавания математики",
     "Эксперты по математике отвечают на вопросы о методике: как объяснить "
     "трудную тему, подготовить к **ОГЭ и ЕГЭ**, построить кружок.", 3,
     ("d.volkov@kollegi.local", "Степени: как о них говорят на алгебре?",
      "Восьмиклассники на информатике путаются в системах счисления: им не "
      "хватает понимания степеней. Как степень вводят на алгебре, чтобы я "
      "говорил с детьми на том же языке?"),
     ("i.petrov@kollegi.local",
      "Дмитрий Александрович, в седьмом классе степень вводят как произведение "
      "одинаковых множителей, на площади квадрата и объёме куба. Опирайтесь на "
      "запись 2³ = 2 · 2 · 2 и таблицу степеней двойки до 2¹⁰. И покажите, что "
      "разряды десятичной записи — тоже степени: 352 = 3 · 10² + 5 · 10 + 2."),
     "Спасибо, Иван Петрович! Начну урок с разложения 352 — отличный мостик."),
    ("russian-language", "Русский язык и литература: методическая помощь",
     "Отвечаем на вопросы о преподавании русского языка и литературы, "
     "проверке сочинений и едином орфографическом режиме.", 3,
     ("demo@kollegi.local", "Орфография в тетрадях по математике",
      "Нужно ли исправлять орфографические ошибки в тетрадях по математике и "
      "снижать ли за них оценку? У нас в школе мнения расходятся."),
     ("e.smirnova@kollegi.local",
      "Анна Сергеевна, исправлять нужно: это единый орфографический режим, он "
      "записан в локальных актах большинства школ. А оценку по математике за "
      "орфографию не снижают. Подчеркните ошибку и попросите выписать слово "
      "правильно; особенно следите за терминами: «перпендикуляр», "
      "«параллельный», «биссектриса»."),
     "Елена Викторовна, спасибо! Так и договоримся на методобъединении."),
    ("primary-school", "Начальная школа: вопросы учителей",
     "Учителя начальных классов с опытом отвечают на вопросы о первом классе, "
     "адаптации и работе с родителями.", 5,
     ("m.novikova@kollegi.local", "Готовность к школе: что важнее всего?",
      "Весной выпускаем подготовительную группу. На что учителя первых классов "
      "смотрят в первые недели? Что нам стоит успеть за оставшиеся месяцы?"),
     ("o.kuznetsova@kollegi.local",
      "Марина Юрьевна, важнее всего не чтение, а умение дослушать инструкцию "
      "и выполнить её. Играйте в игры с правилами, учите правильно держать "
      "карандаш и доводить дело до конца. И самостоятельность: переодеться, "
      "собрать портфель, попросить о помощи словами."),
     "Ольга Николаевна, спасибо! Добавим игры с правилами в каждый день."),
]  # fmt: skip


# The demo course: Smirnova builds a professional development course (18
# academic hours, «курс повышения квалификации» needs 16) from her finished
# master-class, her material, her forum topic, a reading and an assignment
# checked by one peer. The experts review it and it opens; the demo teacher
# (at the master-class, a reply in the topic) completes it, Novikova is
# halfway with her work waiting for a colleague.
COURSE_AUTHOR = "e.smirnova@kollegi.local"
COURSE = {
    "title": "Учим аргументировать: сочинение-рассуждение от 8 класса до ЕГЭ",
    "annotation": "Как научить школьников строить аргумент, подбирать примеры и "
                  "оценивать сочинение по понятным критериям: мастер-класс, "
                  "обсуждение с коллегами и своя рубрика оценивания.",
    "goals": "После курса вы сможете:\n\n"
             "- разбирать с классом строение аргумента: тезис, довод, пример;\n"
             "- оценивать сочинение-рассуждение по общим критериям;\n"
             "- составить рубрику для своего класса и обсудить её с коллегами.",
    "subject": "russian-language",
    "grades": ["grade-8", "grade-9", "grade-10", "grade-11"],
    "tags": ["сочинение", "аргументация", "ЕГЭ"],
    "kind": "qualification",
}  # fmt: skip
# (kind, title, hours, text, what it stands on by title, done when, peer reviews)
COURSE_UNITS = [
    ("masterclass", "Мастер-класс: как научить аргументации", 4,
     "Разбираем реальные работы и типичные ошибки. Участие в мастер-классе "
     "засчитывается само.", "Сочинение ЕГЭ: как научить аргументации", "auto", 2),
    ("reading", "Тезис, довод, пример: из чего состоит аргумент", 3,
     "**Аргумент** — это довод и пример, которые подтверждают тезис.\n\n"
     "1. Тезис: мысль, которую доказываем.\n"
     "2. Довод: почему это так.\n"
     "3. Пример: из жизни, из книги, из истории.\n\n"
     "Попросите учеников найти все три части в чужом сочинении, прежде чем "
     "писать своё.", None, "auto", 2),
    ("material", "Грамотность в сочинении: Н и НН в причастиях", 2,
     "Решите один вариант теста сами: так легче увидеть, где ошибаются ученики.",
     "Тест по орфографии: Н и НН в причастиях", "opened", 2),
    ("discussion", "Обсуждение: ваши критерии сочинения-рассуждения", 3,
     "Расскажите в теме форума, как вы оцениваете аргументацию: ответ в теме "
     "засчитывает раздел.", "Сочинение-рассуждение: ваши критерии", "auto", 2),
    ("assignment", "Задание: рубрика оценивания для вашего класса", 6,
     "Составьте рубрику оценивания сочинения-рассуждения для своего класса: "
     "три-пять критериев, баллы и пример ответа на высший балл. Работу "
     "проверит один коллега по курсу.", None, "peers", 1),
]  # fmt: skip
# The experts' reviews of the course: e-mail → (scores, comments, summary).
COURSE_REVIEWS = {
    "i.petrov@kollegi.local": (
        {"goals": 5, "structure": 5, "hours": 4, "value": 5},
        {"hours": "На задание стоит заложить не меньше шести часов."},
        "Курс собран из живой практики: мастер-класс, обсуждение и задание с "
        "проверкой коллег. Рекомендую.",
    ),
    "o.kuznetsova@kollegi.local": (
        {"goals": 5, "structure": 4, "hours": 5, "value": 5},
        {"structure": "Чтение можно поставить перед мастер-классом."},
        "Понятная последовательность: от чужого примера к своей рубрике.",
    ),
}
# The learners' work on the assignment: (e-mail, text).
COURSE_SUBMISSIONS = [
    ("demo@kollegi.local",
     "Рубрика для 8 «А»:\n\n"
     "1. Тезис сформулирован — 1 балл.\n"
     "2. Два довода — по 1 баллу.\n"
     "3. Пример из жизни и из книги — по 1 баллу.\n"
     "4. Вывод связан с тезисом — 1 балл.\n\n"
     "Высший балл — 6: образец ответа прикладываю к рубрике в классе."),
    ("m.novikova@kollegi.local",
     "Рубрика для рассказа по картинке в подготовительной группе: есть главная "
     "мысль, два «потому что», пример из своей жизни."),
]  # fmt: skip
# Novikova reviews the demo teacher's work: accepted, the course completed.
COURSE_PEER_REVIEW = (
    {"task": 5, "practice": 5, "clarity": 4},
    "Понятная рубрика; идею с двумя примерами возьму для своих ребят.",
)

# «Мой путь»: the demo teacher prepares to confirm her highest category. Her
# evidence is what she did on the site (the master-class and the course
# above, her recommended material, the community she founded, badges) and a
# review she writes as an expert of a colleague's material; her own
# evidence is a talk (with its theses, confirmed by her mentor) and a
# contest (a link, not confirmed yet). Petrov mentors her plan: half its
# items are done.
GROWTH_OWNER = "demo@kollegi.local"
GROWTH_MENTOR = "i.petrov@kollegi.local"
GROWTH_TARGET = "highest"
GROWTH_NOTE = (
    "Через два года подтверждаю высшую категорию. Собираю здесь всё, что "
    "пойдёт в портфолио: курсы, выступления, работу с одарёнными детьми."
)
GROWTH_STARTED_DAYS_AGO = 300
# The material she reviews as an expert: (title, scores, summary).
GROWTH_REVIEW = (
    "Лабораторная работа «Измерение силы трения»",
    {"accuracy": 5, "methodology": 4, "structure": 5, "usefulness": 5, "design": 4},
    "Понятная инструкция и удобный бланк отчёта; вопросы для самопроверки "
    "стоит дополнить задачей на расчёт коэффициента трения.",
)
# The plan's items: (kind, title, what it is on the site as (kind, title) or
# a link, competency, due in days from today (negative: past), done).
GROWTH_ITEMS = [
    ("course", COURSE["title"], ("course", COURSE["title"]), "A.2", -60, True),
    ("masterclass", "Сочинение ЕГЭ: как научить аргументации",
     ("masterclass", "Сочинение ЕГЭ: как научить аргументации"), "A.1", -20, True),
    ("reading", "Перечитать критерии высшей категории (приказ № 196)", None,
     "P.1", -5, True),
    ("community", "Молодые педагоги: первые годы в школе",
     ("community", "Молодые педагоги: первые годы в школе"), "R.2", 10, False),
    ("own", "Подготовить команду к муниципальному этапу олимпиады", None,
     "R.1", 60, False),
    ("own", "Участвовать в конкурсе «Педагог года» (муниципальный этап)", None,
     "R.6", 150, False),
]  # fmt: skip
# Her own evidence: (kind, title, description, days ago, competency, link,
# file as (name, text) or None, confirmed by her mentor).
GROWTH_OWN_EVIDENCE = [
    ("talk", "Выступление на городском методобъединении: игры с дробями",
     "Рассказала коллегам о пяти играх, после которых пятиклассники "
     "перестают бояться дробей; тезисы приложены.", 40, "R.2", "",
     ("Тезисы выступления.txt",
      "Тезисы. 1) Дробь — часть целого: начинаем с пиццы. 2) Игра «Собери "
      "целое». 3) Дроби на числовой прямой в коридоре."), True),
    ("contest", "Конкурс «Педагог года»: участник муниципального этапа",
     "Открытый урок и эссе «Мой педагогический принцип».", 15, "R.6",
     "https://example.org/pedagog-goda/uchastniki", None, False),
]  # fmt: skip
GROWTH_COMMENT = (
    "Анна Сергеевна, выступление на методобъединении подтвердил. Для "
    "критериев 2.1 и 2.2 соберите результаты кружка: дипломы учеников с "
    "олимпиад можно добавить как свои свидетельства."
)
# Tags that put the demo's courses, master-classes and communities among a
# plan's suggestions (``suggestion_tags`` of the framework's competencies),
# beside their own: (kind, title, tags).
GROWTH_TAGS = [
    ("course", COURSE["title"], ["оценивание", "методика"]),
    ("masterclass", "Дроби без страха: игры на уроке математики",
     ["урок", "методика"]),
    ("masterclass", "Лабораторная на коленке: физика без кабинета",
     ["проекты", "урок"]),
    ("masterclass", "Встреча в Казани: олимпиадные задачи за чаем",
     ["олимпиады", "одарённые дети"]),
    ("community", "Математики и физики Поволжья",
     ["одарённые дети", "методическое объединение"]),
    ("community", "Молодые педагоги: первые годы в школе",
     ["молодой педагог", "наставничество", "обмен опытом"]),
]  # fmt: skip

# Contests, a poll and a network project (issue «Конкурсы и проекты»). The
# moderator organises both contests; two experts of other schools than the
# authors judge. One contest is over: its entries were judged, the results
# frozen and every author given a diploma. The other takes entries now, with
# a public vote while the jury judges.
CONTEST_ORGANISER = MODERATOR_EMAIL
# (title, summary, rules, public vote, days from today the entries open,
# close and the judging ends, jury, nominations as (title, description,
# criteria, prize places))
CONTEST_FINISHED = (
    "Мой лучший урок",
    "Открытый конкурс уроков и внеурочных занятий: эксперты оценили работы "
    "вслепую, по критериям каждой номинации.",
    "**Кто участвует:** учителя и воспитатели любых предметов.\n\n"
    "**Что прислать:** конспект урока или занятия (текст) либо свой материал "
    "из библиотеки Коллег.\n\n"
    "**Как оценивают:** два эксперта из других школ ставят по каждому "
    "критерию от 1 до 5 баллов; имён авторов жюри не видит до итогов.",
    False,
    (-40, -12, -1),
    ["i.petrov@kollegi.local", "e.smirnova@kollegi.local"],
    [("Урок открытия нового знания",
      "Урок, на котором ученики сами приходят к новому понятию.",
      ["Идея и новизна", "Методическая проработка", "Воспроизводимость"], 2),
     ("Внеурочное занятие",
      "Кружок, клуб, занятие в детском саду или на перемене.",
      ["Идея и новизна", "Методическая проработка", "Воспроизводимость"], 2)],
)  # fmt: skip
CONTEST_OPEN = (
    "Цифровая мастерская учителя",
    "Покажите урок или материал, где цифровой сервис действительно помогает "
    "ученикам. Победителей выберут эксперты, а коллеги — в открытом "
    "голосовании.",
    "**Что прислать:** описание урока с цифровым сервисом или свой материал "
    "из библиотеки.\n\n"
    "**Голосование коллег:** пока жюри оценивает работы, участники Коллег со "
    "стажем на сайте от 30 дней голосуют за одну работу в каждой номинации.",
    True,
    (-7, 21, 42),
    ["o.kuznetsova@kollegi.local", "e.smirnova@kollegi.local"],
    [("Урок с цифровым сервисом", "",
      ["Польза для учеников", "Воспроизводимость", "Безопасность и доступность"],
      3),
     ("Цифровой материал для коллег", "",
      ["Польза для учеников", "Воспроизводимость", "Безопасность и доступность"],
      3)],
)  # fmt: skip
# Entries: (contest's title, nomination's number, authors (the first submits),
# title, text, material's title or None, the judges' scores as {judge:
# (marks by criterion, comment)}, empty while entries are taken).
CONTEST_ENTRIES = [
    ("Мой лучший урок", 0, ["demo@kollegi.local"],
     "Дроби на пицце: урок-открытие в 5 классе",
     "Ученики делят «пиццу» на равные части и сами записывают дроби; "
     "конспект и рабочий лист — в материале.",
     "Дробные числа. Урок для 5-го класса",
     {"i.petrov@kollegi.local": ([5, 5, 4], "Живая мотивация и ясный рабочий лист."),
      "e.smirnova@kollegi.local": ([5, 4, 5], "Урок легко повторить в любом классе.")}),
    ("Мой лучший урок", 0, ["g.orlova@kollegi.local", "a.lebedev@kollegi.local"],
     "Река, которая помнит: интегрированный урок географии и истории",
     "Шестиклассники Берёзовки и Владивостока по видеосвязи сравнивают, как "
     "реки их краёв меняли жизнь людей, и составляют общую карту.",
     None,
     {"i.petrov@kollegi.local": ([4, 5, 4], "Сильная идея сетевого урока."),
      "e.smirnova@kollegi.local": ([5, 4, 4], "Добавьте критерии оценки карты.")}),
    ("Мой лучший урок", 0, ["s.fedorov@kollegi.local"],
     "Первая помощь: урок-игра по станциям",
     "Пять станций, на каждой — ситуация и карточка с действиями; команды "
     "меняются по сигналу.",
     None,
     {"i.petrov@kollegi.local": ([4, 4, 3], "Нужен раздаточный материал для станций."),
      "e.smirnova@kollegi.local": ([4, 3, 4], "")}),
    ("Мой лучший урок", 1, ["d.volkov@kollegi.local"],
     "Робот на перемене: кружок за двадцать минут",
     "Короткие занятия робототехникой на большой перемене: собрать, "
     "запрограммировать и показать младшим.",
     None,
     {"i.petrov@kollegi.local": ([5, 4, 5], "Отличный формат для небольшой школы."),
      "e.smirnova@kollegi.local": ([4, 5, 5], "Понятная инструкция для коллег.")}),
    ("Мой лучший урок", 1, ["m.novikova@kollegi.local"],
     "Сказка о числах: занятие в подготовительной группе",
     "Дети помогают героям сказки считать и сравнивать; в конце — игра "
     "«Найди своё число».",
     None,
     {"i.petrov@kollegi.local": ([4, 4, 5], "Тёплое и продуманное занятие."),
      "e.smirnova@kollegi.local": ([5, 4, 4], "")}),
    ("Цифровая мастерская учителя", 0, ["d.volkov@kollegi.local"],
     "Онлайн-доска на уроке информатики: шаблоны заданий",
     "Как за пять минут собрать на онлайн-доске задание для групп и сразу "
     "увидеть ответы всего класса.",
     None, {}),
    ("Цифровая мастерская учителя", 0, ["t.sokolova@kollegi.local"],
     "Английский голосом: домашнее задание без тетради",
     "Ученики записывают короткие голосовые ответы; учитель слушает их по "
     "дороге и отвечает тем же.",
     None, {}),
]  # fmt: skip
# A poll on a topic: (topic's title, question, answers, closes in days,
# voters as e-mail → answer's number). Voters are secret; results shown.
POLL = (
    "Сочинение-рассуждение: ваши критерии",
    "Сколько аргументов вы требуете в сочинении-рассуждении в 8 классе?",
    ["Один, но развёрнутый", "Два: из жизни и из книги", "Три и больше",
     "Зависит от класса"],
    14,
    {"demo@kollegi.local": 1, "i.petrov@kollegi.local": 1,
     "t.sokolova@kollegi.local": 3, "o.kuznetsova@kollegi.local": 0,
     "a.lebedev@kollegi.local": 1},
)  # fmt: skip
# A network project at its second stage: (coordinator, fields, stages as
# (title, task, deadline in days from today; the first passed), teams as
# (name, members (the first forms it), the first stage's result, the
# coordinator's feedback)). The teams are of several schools and regions.
PROJECT_COORDINATOR = "i.petrov@kollegi.local"
PROJECT = {
    "title": "Физика вокруг нас: задачник из жизни",
    "summary": "Команды учителей из разных регионов собирают задачник: задачи "
    "по физике из того, что ученики видят каждый день.",
    "goal": "**Цель:** общий задачник для 7–9 классов — по десять задач от "
    "каждой команды, с решениями и фотографиями.\n\n"
    "**Продукт** опубликуем в библиотеке Коллег; каждый участник команды "
    "станет его соавтором.",
    "subject": "physics",
    "team_size": 5,
}
PROJECT_STAGES = [
    ("Идеи задач", "Соберите двадцать идей задач из жизни вашего города или "
     "села: фото, короткое описание, какой закон физики здесь виден.", -5),
    ("Черновик задачника", "Выберите десять лучших идей и напишите условия и "
     "решения; отметьте класс и тему.", 16),
    ("Апробация и итоговый сборник", "Решите задачи с учениками, поправьте "
     "условия и сдайте итоговый файл.", 45),
]  # fmt: skip
PROJECT_TEAMS = [
    ("Волга и Урал",
     ["demo@kollegi.local", "n.pavlova@kollegi.local", "g.orlova@kollegi.local"],
     "Двадцать две идеи: от ледохода на Каме до чайника в учительской. "
     "Фотографии — в общей папке команды.",
     "Отличный набор; задачи о ледоходе берите в черновик первыми."),
    ("От Сибири до Приморья",
     ["d.volkov@kollegi.local", "a.lebedev@kollegi.local",
      "o.kuznetsova@kollegi.local"],
     "Двадцать идей: мороз и провода, туман над бухтой, санки на горке.",
     "Принято. В задачах о морозе укажите температуры, чтобы их можно было "
     "решить."),
]  # fmt: skip


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """No e-mail and no task log lines while the demo is filled."""
    loggers = [logging.getLogger(name) for name in ("celery", "kombu")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"
        ):
            yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class Command(SiteCommand):
    help = gettext_lazy(
        "Create demo teachers, schools and roles; running it again adds nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # Quiet: the demo's own notices e-mail nobody (their addresses are made
        # up) and the tasks it runs in-process log nothing, so the logins below
        # are the last lines before the server starts.
        with _quiet():
            created = self._seed()
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "Demo data: %(count)d new member.",
                    "Demo data: %(count)d new members.",
                    created,
                )
                % {"count": created}
            )
            if created
            else _("Demo data is already there; nothing added.")
        )
        logins = [
            (pgettext("demo login", "teacher"), TEACHERS[0][0]),
            (pgettext("demo login", "moderator (admin site)"), MODERATOR_EMAIL),
            (
                pgettext("demo login", "experts (reviews, consultations)"),
                ", ".join(EXPERT_EMAILS),
            ),
        ]
        width = max(len(label) for label, _email in logins) + 2
        self.stdout.write(
            "\n".join(
                [
                    _("Demo accounts (password %(password)s):")
                    % {"password": DEMO_PASSWORD}
                ]
                + [f"  {label.ljust(width)}{email}" for label, email in logins]
            )
        )

    @transaction.atomic
    def _seed(self) -> int:
        """Fill the demo; returns how many members were new."""
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
        if created:
            self._fill_spaces()
        moderator = User.objects.get(email=MODERATOR_EMAIL)
        account_services.user_grant_role(
            user=moderator, role=account_services.MODERATORS
        )
        for user in User.objects.filter(email__in=EXPERT_EMAILS):
            account_services.user_grant_role(user=user, role=account_services.EXPERTS)
        self._fill_forums()
        self._fill_materials()
        self._fill_masterclasses()
        self._fill_communities()
        self._fill_conversations()
        self._fill_courses()
        self._fill_growth_grounds()
        self._fill_contests()
        self._recognise()
        self._fill_growth()
        # Some demo rows are made directly; the search box should find them all.
        for kind in search_kinds():
            search_rebuild(kind)
        return created

    def _fill_spaces(self) -> None:
        """Profiles, blogs, comments and follows; runs with the first seeding only."""
        users = {user.email: user for user in User.objects.select_related("profile")}
        for email, extra in PROFILE_EXTRAS.items():
            category, methodist, mentor, years, interests, about = extra
            account_services.profile_update(
                profile=users[email].profile,
                category=category,
                is_methodist=methodist,
                is_mentor=mentor,
                experience_years=years,
                interests=interests,
                about=about,
            )
        for email, title, body, tags, published in POSTS:
            if not BlogPost.objects.filter(author=users[email], title=title).exists():
                account_services.post_create(
                    author=users[email],
                    title=title,
                    body=body,
                    tags=tags,
                    publish=published,
                )
        posts = {post.title: post for post in BlogPost.objects.select_related("author")}
        for email, title, text in COMMENTS:
            post = posts[title]
            if not BlogComment.objects.filter(post=post, author=users[email]).exists():
                account_services.comment_create(
                    post=post, author=users[email], body=text
                )
        for follower, followee in FOLLOWS:
            account_services.follow_create(
                follower=users[follower], followee=users[followee]
            )

    def _fill_forums(self) -> None:
        """Sections, topics and replies; added once, when the sections are missing."""
        from forums import services as forum_services
        from forums.models import Section

        if Section.objects.exists():
            return
        subjects = {subject.slug: subject for subject in Subject.objects.all()}
        users = {user.email: user for user in User.objects.all()}
        moderator = users[MODERATOR_EMAIL]
        sections = {}
        for position, (slug, title, text, subject, informal) in enumerate(SECTIONS):
            sections[slug] = forum_services.section_create(
                title=title,
                slug=slug,
                description=text,
                subject=subjects.get(subject),
                is_informal=informal,
                position=position,
            )
        for slug, email, title, kind, text, replies, accepted in TOPICS:
            topic = forum_services.topic_create(
                section=sections[slug],
                author=users[email],
                title=title,
                body=text,
                kind=kind,
            )
            # Demo teachers are new: their first posts wait; the moderator lets them in.
            forum_services.post_approve(
                post=topic.posts.get(number=1), moderator=moderator
            )
            posts = []
            for who, reply in replies:
                post = forum_services.post_create(
                    topic=topic, author=users[who], body=reply
                )
                posts.append(
                    forum_services.post_approve(post=post, moderator=moderator)
                )
            if accepted is not None:
                forum_services.answer_accept(
                    topic=topic, post=posts[accepted], actor=users[email]
                )

    def _fill_materials(self) -> None:
        """Materials with small files and ratings; added once."""
        from django.core.files.uploadedfile import SimpleUploadedFile

        from materials import services as material_services
        from materials.models import Material
        from materials.uploads import file_check

        if Material.objects.exists():
            return
        subjects = {subject.slug: subject for subject in Subject.objects.all()}
        grades = {grade.slug: grade for grade in Grade.objects.all()}
        users = {user.email: user for user in User.objects.all()}
        for (email, title, summary, text, subject, grade_slugs, kind, licence, tags,
             file_name, file_text, ratings) in MATERIALS:  # fmt: skip
            upload = SimpleUploadedFile(file_name, file_text.encode())
            material = material_services.material_create(
                author=users[email],
                files=[file_check(upload)],
                grades=[grades[slug] for slug in grade_slugs],
                tags=tags,
                title=title,
                summary=summary,
                description=text,
                subject=subjects[subject],
                kind=kind,
                language="ru",
                licence=licence,
                rights_confirmed=True,
            )
            for rater, score, comment in ratings:
                material_services.rating_set(
                    material=material, user=users[rater], score=score, comment=comment
                )
        self._review_demo_material(users)

    def _review_demo_material(self, users: dict) -> None:
        """The first demo material goes through expert review and is recommended."""
        from materials import services as material_services
        from materials.models import Material

        material = Material.objects.get(title=MATERIALS[0][1])
        round_ = material_services.review_request(
            material=material, author=material.author
        )
        moderator = users[MODERATOR_EMAIL]
        for email, summary in REVIEWS:
            assignment = material_services.review_assign(
                round_=round_, reviewer=users[email], moderator=moderator
            )
            material_services.review_write(
                assignment=assignment,
                reviewer=users[email],
                scores={
                    "accuracy": 5,
                    "methodology": 5,
                    "structure": 4,
                    "usefulness": 5,
                    "design": 4,
                },
                comments={"structure": "Рабочий лист стоит разбить на два уровня."},
                recommendation="recommend",
                summary=summary,
            )

    def _fill_masterclasses(self) -> None:
        """Past and upcoming master-classes with registrations; added once."""
        import datetime

        from django.utils import timezone

        from masterclasses import services as mc_services
        from masterclasses.models import MasterClass, Registration

        if MasterClass.objects.exists():
            return
        subjects = {subject.slug: subject for subject in Subject.objects.all()}
        users = {user.email: user for user in User.objects.all()}
        moderator = users[MODERATOR_EMAIL]
        today = timezone.localdate()
        for (email, title, text, subject, format_, days, hour, capacity, people,
             feedback) in MASTERCLASSES:  # fmt: skip
            host = users[email]
            zone = timezone.get_current_timezone()
            starts = datetime.datetime.combine(
                today + datetime.timedelta(days=days), datetime.time(hour), tzinfo=zone
            )
            fields = {
                "title": title,
                "description": text,
                "subject": subjects[subject],
                "format": format_,
                "room_url": "https://meet.example.org/kollegi-demo",
                "venue": "Гимназия № 2, кабинет 214" if format_ != "online" else "",
                "address": "Казань, ул. Пушкина, 12" if format_ != "online" else "",
                "starts_at": starts,
                "ends_at": starts + datetime.timedelta(minutes=90),
                "time_zone": str(zone),
                "capacity": capacity,
            }
            if days > 0:
                masterclass = mc_services.masterclass_create(host=host, **fields)
                mc_services.masterclass_approve(
                    masterclass=masterclass, moderator=moderator
                )
                for person in people:
                    mc_services.register(masterclass=masterclass, user=users[person])
                continue
            # A past one: made as it was, then held and finished.
            masterclass = MasterClass.objects.create(
                host=host,
                status=MasterClass.Status.PUBLISHED,
                recording_url=RECORDINGS.get(title, ""),
                **fields,
            )
            for person in people:
                Registration.objects.create(
                    masterclass=masterclass,
                    user=users[person],
                    status=Registration.Status.REGISTERED,
                    attended=True,
                )
            for person, score, comment in feedback:
                mc_services.feedback_leave(
                    masterclass=masterclass,
                    user=users[person],
                    score=score,
                    comment=comment,
                )
            mc_services.masterclass_finish(masterclass=masterclass)

    def _fill_communities(self) -> None:
        """Three communities founded by colleagues: public and open,
        members-only by request (with a request waiting), private (with an
        invitation waiting for the demo teacher); added once."""
        from circles import services as circle_services
        from circles.models import Community, Invitation

        if Community.objects.exists():
            return
        users = {user.email: user for user in User.objects.all()}
        subjects = {subject.slug: subject for subject in Subject.objects.all()}
        # The demo's members joined today: past the new-member period here.
        with override_settings(MODERATION_NEW_MEMBER_DAYS=0):
            for row in COMMUNITIES:
                founder, cofounders, fields, joiners, asking, invited = row
                fields = dict(fields)
                community = circle_services.community_propose(
                    founder=users[founder],
                    cofounders=[users[email] for email in cofounders],
                    subject=subjects.get(fields.pop("subject", "")),
                    **fields,
                )
                for email in cofounders:
                    circle_services.cofounder_answer(
                        invitation=Invitation.objects.get(
                            community=community,
                            user=users[email],
                            status=Invitation.Status.PENDING,
                        ),
                        user=users[email],
                        accept=True,
                    )
                for email in joiners:
                    circle_services.community_join(
                        community=community, user=users[email]
                    )
                for email, message in asking:
                    circle_services.join_request_create(
                        community=community, user=users[email], message=message
                    )
                for email in invited:
                    circle_services.invitation_create(
                        community=community, inviter=users[founder], user=users[email]
                    )
                self._fill_community_holdings(community, users)

    def _fill_community_holdings(self, community, users: dict) -> None:
        """A community's topics (a question answered, in the public one),
        its collection's materials and its meeting in person."""
        import datetime

        from django.utils import timezone

        from circles import services as circle_services
        from forums import services as forum_services
        from masterclasses import services as mc_services
        from materials.models import Material

        topics, materials, meeting = COMMUNITY_HOLDINGS[community.name]
        community.refresh_from_db()
        moderator = users[MODERATOR_EMAIL]
        for email, title, kind, text, replies, accepted in topics:
            topic = forum_services.topic_create(
                section=community.section,
                author=users[email],
                title=title,
                body=text,
                kind=kind,
            )
            # Demo teachers are new: their first posts wait for the moderator.
            forum_services.post_approve(
                post=topic.posts.get(number=1), moderator=moderator
            )
            posts = [
                forum_services.post_approve(
                    post=forum_services.post_create(
                        topic=topic, author=users[who], body=reply
                    ),
                    moderator=moderator,
                )
                for who, reply in replies
            ]
            if accepted is not None:
                forum_services.answer_accept(
                    topic=topic, post=posts[accepted], actor=users[email]
                )
        for title, email in materials:
            circle_services.collection_add(
                community=community,
                user=users[email],
                material=Material.objects.get(title=title),
            )
        host, title, text, days, hour, members_only = meeting
        zone = timezone.get_current_timezone()
        starts = datetime.datetime.combine(
            timezone.localdate() + datetime.timedelta(days=days),
            datetime.time(hour),
            tzinfo=zone,
        )
        masterclass = circle_services.meeting_create(
            community=community,
            host=users[host],
            group_only=members_only,
            title=title,
            description=text,
            subject=community.subject or Subject.objects.get(slug="school-psychology"),
            format="offline",
            venue="Гимназия № 2, актовый зал",
            address="Казань, ул. Пушкина, 12",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            time_zone=str(zone),
            capacity=25,
        )
        mc_services.masterclass_approve(masterclass=masterclass, moderator=moderator)

    def _fill_conversations(self) -> None:
        """Conversations between colleagues (one waiting as a request for the
        demo teacher) and the consultation lines with a question answered;
        each added once."""
        from conversations import services as conversation_services
        from conversations.models import Conversation, Line

        users = {user.email: user for user in User.objects.all()}
        # The demo's members joined today: past the new-member period here.
        with override_settings(MODERATION_NEW_MEMBER_DAYS=0):
            if not Conversation.objects.filter(is_question=False).exists():
                for sender, recipients, subject, messages in CONVERSATIONS:
                    (_author, first), *rest = messages
                    conversation = conversation_services.conversation_start(
                        sender=users[sender],
                        recipients=[users[email] for email in recipients],
                        subject=subject,
                        body=first,
                    )
                    for author, text in rest:
                        conversation_services.message_send(
                            conversation=conversation, author=users[author], body=text
                        )
            if not Line.objects.exists():
                self._fill_lines(users)

    def _fill_lines(self, users: dict) -> None:
        """A line per subject of the demo forum's sections, opened by the
        moderator; a demo teacher asks it, its expert takes the question and
        answers, the teacher thanks them."""
        from conversations import services as conversation_services
        from conversations.permissions_lines import line_experts
        from conversations.services import lines as line_services

        subjects = {subject.slug: subject for subject in Subject.objects.all()}
        for slug, title, text, days, asked, answer, thanks in LINES:
            line = line_services.line_create(
                by=users[MODERATOR_EMAIL],
                title=title,
                description=text,
                answer_within_days=days,
                subject=subjects[slug],
            )
            (asker, subject, body), (expert, reply) = asked, answer
            # A site seeded before this expert taught the subject asks nothing.
            if not line_experts(line).filter(pk=users[expert].pk).exists():
                continue
            question = line_services.question_ask(
                line=line, asker=users[asker], subject=subject, body=body
            )
            question = line_services.question_take(
                question=question, expert=users[expert]
            )
            conversation = question.conversation
            conversation_services.message_send(
                conversation=conversation, author=users[expert], body=reply
            )
            conversation_services.message_send(
                conversation=conversation, author=users[asker], body=thanks
            )

    def _fill_courses(self) -> None:
        """The demo course: built from the demo's master-class, material and
        topic, reviewed by the experts and opened; one learner completed it
        (a peer accepted her work, a certificate issued), one is halfway
        (her work waits for a colleague). Added once."""
        from courses.models import Course

        if Course.objects.exists():
            return
        users = {user.email: user for user in User.objects.all()}
        # The demo's members joined today: past the new-member period here.
        with override_settings(MODERATION_NEW_MEMBER_DAYS=0):
            course = self._course_build(users)
            self._course_review(course, users)
            self._course_learn(course, users)

    def _course_build(self, users: dict):
        """The author's draft, unit by unit, submitted to the experts."""
        from courses import services as course_services
        from forums.models import Topic
        from masterclasses.models import MasterClass
        from materials.models import Material

        # What each kind of unit stands on: its field and where to find it.
        objects = {
            "masterclass": ("masterclass", MasterClass),
            "material": ("material", Material),
            "discussion": ("topic", Topic),
        }
        fields = dict(COURSE)
        author = users[COURSE_AUTHOR]
        course = course_services.course_create(
            author=author,
            subject=Subject.objects.get(slug=fields.pop("subject")),
            grades=list(Grade.objects.filter(slug__in=fields.pop("grades"))),
            **fields,
        )
        for kind, title, hours, text, on, completion, reviews in COURSE_UNITS:
            stands_on = {}
            if on is not None:
                field, model = objects[kind]
                stands_on[field] = model.objects.get(title=on)
            course_services.unit_add(
                course=course,
                editor=author,
                kind=kind,
                title=title,
                hours=hours,
                body=text,
                completion=completion,
                reviews_needed=reviews,
                **stands_on,
            )
        return course_services.course_submit(course=course, author=author)

    def _course_review(self, course, users: dict) -> None:
        """The experts review the course; the rule decides (it opens)."""
        from courses import services as course_services
        from courses.models import Course, ReviewRound
        from courses.permissions import review_conflict
        from materials.models import reviews_required

        moderator = users[MODERATOR_EMAIL]
        round_ = course.review_rounds.get(status=ReviewRound.Status.OPEN)
        of_subject = {user.pk for user in course_services.experts_for_course(course)}
        taken = []
        for email, review in COURSE_REVIEWS.items():
            reviewer = users[email]
            if len(taken) >= reviews_required():
                break
            if reviewer.pk in of_subject:
                assignment = course_services.review_take(
                    round_=round_, reviewer=reviewer
                )
            elif not review_conflict(reviewer, course):
                # The author is the demo's only expert of her subject: the
                # moderator names experts of other subjects to the places.
                assignment = course_services.review_assign(
                    round_=round_, reviewer=reviewer, moderator=moderator
                )
            else:
                continue
            taken.append((assignment, reviewer, review))
        for assignment, reviewer, (scores, comments, summary) in taken:
            course_services.review_write(
                assignment=assignment,
                reviewer=reviewer,
                scores=scores,
                comments=comments,
                recommendation=ReviewRound.Decision.RECOMMEND,
                summary=summary,
            )
        course.refresh_from_db()
        if course.status != Course.Status.PUBLISHED:
            # A site that asks more reviews than the demo has experts.
            course_services.review_decide(
                round_=round_,
                moderator=moderator,
                decision=ReviewRound.Decision.RECOMMEND,
                note="Отзывы экспертов положительные: курс открыт.",
            )

    def _course_learn(self, course, users: dict) -> None:
        """The demo teacher completes the course; Novikova is halfway."""
        from courses import services as course_services
        from courses.models import PeerReview

        units = {unit.kind: unit for unit in course.units.all()}
        texts = dict(COURSE_SUBMISSIONS)
        done, halfway = (users[email] for email, _text in COURSE_SUBMISSIONS)
        # The master-class (attended) and the topic (her reply) count at once.
        course_services.enrol(course=course, user=done)
        course_services.material_open(unit=units["material"], user=done)
        course_services.reading_done(unit=units["reading"], user=done)
        work = course_services.submission_submit(
            unit=units["assignment"], user=done, text=texts[done.email]
        )
        # The master-class counts for Novikova too; she reads, hands in her
        # work, and so may review her colleague's: accepted, it completes it.
        course_services.enrol(course=course, user=halfway)
        course_services.reading_done(unit=units["reading"], user=halfway)
        course_services.submission_submit(
            unit=units["assignment"], user=halfway, text=texts[halfway.email]
        )
        scores, comment = COURSE_PEER_REVIEW
        course_services.peer_review_write(
            submission=work,
            reviewer=halfway,
            scores=scores,
            verdict=PeerReview.Verdict.ACCEPT,
            comment=comment,
        )

    def _fill_growth_grounds(self) -> None:
        """What the demo teacher's plan of «Мой путь» stands on, before the
        badges are counted: the tags that make the demo's courses,
        master-classes and communities a plan's suggestions, and her expert
        review of a colleague's material (she is an expert too). Each once."""
        users = {user.email: user for user in User.objects.all()}
        # The demo's members joined today: past the new-member period here.
        with override_settings(MODERATION_NEW_MEMBER_DAYS=0):
            self._growth_tags(users)
            self._growth_review(users)

    def _growth_tags(self, users: dict) -> None:
        """Each thing of ``GROWTH_TAGS`` gets the tags it lacks, by its own
        people (the course's author, the host, the community's owner)."""
        from circles import services as circle_services
        from circles.models import Community, Membership
        from courses import services as course_services
        from courses.models import Course
        from masterclasses import services as mc_services
        from masterclasses.models import MasterClass

        for kind, title, tags in GROWTH_TAGS:
            if kind == "course":
                thing = Course.objects.filter(title=title).first()
            elif kind == "masterclass":
                thing = (
                    MasterClass.objects.filter(title=title)
                    .exclude(
                        status__in=[
                            MasterClass.Status.FINISHED,
                            MasterClass.Status.CANCELLED,
                        ]
                    )
                    .first()
                )
            else:
                thing = Community.objects.filter(name=title).first()
            if thing is None:
                continue
            carried = {tag.name for tag in thing.tags.all()}
            if {tag.lower() for tag in tags} <= {tag.lower() for tag in carried}:
                continue
            wanted = sorted(carried | set(tags))
            if kind == "course":
                course_services.course_update(
                    course=thing, editor=thing.author, tags=wanted
                )
            elif kind == "masterclass":
                mc_services.masterclass_update(
                    masterclass=thing, editor=thing.host, tags=wanted
                )
            else:
                owner = Membership.objects.get(
                    community=thing, role=Membership.Role.OWNER
                ).user
                circle_services.community_update(
                    community=thing, editor=owner, tags=wanted
                )

    def _growth_review(self, users: dict) -> None:
        """The demo teacher, an expert as well, reviews a colleague's
        material the moderator names her to; the round waits for a second
        expert. Once: the material never reviewed before."""
        from materials import services as material_services
        from materials.models import Material, ReviewRound

        owner = users[GROWTH_OWNER]
        account_services.user_grant_role(user=owner, role=account_services.EXPERTS)
        title, scores, summary = GROWTH_REVIEW
        material = Material.objects.filter(title=title).first()
        if material is None or material.review_rounds.exists():
            return
        round_ = material_services.review_request(
            material=material, author=material.author
        )
        assignment = material_services.review_assign(
            round_=round_, reviewer=owner, moderator=users[MODERATOR_EMAIL]
        )
        material_services.review_write(
            assignment=assignment,
            reviewer=owner,
            scores=scores,
            comments={},
            recommendation=ReviewRound.Decision.RECOMMEND,
            summary=summary,
        )

    def _fill_contests(self) -> None:
        """The finished contest (judged, results frozen, diplomas issued),
        the contest taking entries, the poll on a topic and the network
        project at its second stage: each once, found by its title."""
        users = {user.email: user for user in User.objects.select_related("profile")}
        # The demo's members joined today: past the new-member period here.
        with override_settings(MODERATION_NEW_MEMBER_DAYS=0):
            self._contest_finished(users)
            self._contest_open(users)
            self._poll(users)
            self._project(users)

    def _contest_made(self, row: tuple, users: dict, *, closes_in_hours: int = 0):
        """A contest announced by the moderator, its jury seated and its
        entries submitted; ``closes_in_hours``: the entries window made to
        close that soon (the finished one is then moved on in time)."""
        import datetime

        from django.utils import timezone

        from contests.models import Nomination
        from contests.services import contests as contest_services
        from contests.services import entries as entry_services
        from contests.services import judging as judging_services
        from materials.models import Material

        title, summary, rules, public_vote, days, jury, nominations = row
        organiser = users[CONTEST_ORGANISER]
        now = timezone.now().replace(second=0, microsecond=0)
        opens, closes, judged = (now + datetime.timedelta(days=day) for day in days)
        if closes_in_hours:
            closes = now + datetime.timedelta(hours=closes_in_hours)
            judged = closes + datetime.timedelta(hours=closes_in_hours)
        contest = contest_services.contest_create(
            organiser=organiser,
            title=title,
            summary=summary,
            rules=rules,
            submissions_open_at=opens,
            submissions_close_at=closes,
            judging_close_at=judged,
            public_vote=public_vote,
            nominations=[
                {
                    "title": name,
                    "description": text,
                    "criteria": criteria,
                    "prize_places": places,
                }
                for name, text, criteria, places in nominations
            ],
        )
        contest = contest_services.contest_publish(contest=contest, actor=organiser)
        for email in jury:
            judging_services.judge_assign(
                contest=contest, user=users[email], actor=organiser
            )
        by_position = list(Nomination.objects.filter(contest=contest))
        for (contest_title, number, authors, entry_title, text, material,
             _scores) in CONTEST_ENTRIES:  # fmt: skip
            if contest_title != title:
                continue
            entry_services.entry_submit(
                contest=contest,
                nomination=by_position[number],
                submitter=users[authors[0]],
                coauthors=[users[email] for email in authors[1:]],
                title=entry_title,
                text=text,
                material=(
                    Material.objects.filter(title=material).first()
                    if material
                    else None
                ),
            )
        return contest

    def _contest_finished(self, users: dict) -> None:
        """Entries came in, the jury scored each blind, the moderator froze
        the results and every author holds a diploma. Its dates are moved on
        as the clock would have (through the contest's service); the entries
        are dated inside their window and the announcement at its opening,
        as they were."""
        import datetime

        from django.utils import timezone

        from contests.models import Contest, Entry
        from contests.services import contests as contest_services
        from contests.services import judging as judging_services
        from contests.services import results as results_services

        title = CONTEST_FINISHED[0]
        if Contest.objects.filter(title=title).exists():
            return
        organiser = users[CONTEST_ORGANISER]
        contest = self._contest_made(CONTEST_FINISHED, users, closes_in_hours=1)
        now = timezone.now().replace(second=0, microsecond=0)
        opens, closes, judged = (
            now + datetime.timedelta(days=day) for day in CONTEST_FINISHED[4]
        )
        # Entries closed: the jury judges.
        contest = contest_services.contest_update(
            contest=contest,
            editor=organiser,
            submissions_close_at=closes,
            judging_close_at=now + datetime.timedelta(hours=1),
        )
        entries = {entry.title: entry for entry in contest.entries.order_by("pk")}
        for *_row, entry_title, _text, _material, scores in CONTEST_ENTRIES:
            for email, (marks, comment) in scores.items():
                if entry_title not in entries:
                    continue
                judging_services.score_write(
                    entry=entries[entry_title],
                    judge_user=users[email],
                    marks={f"c{key}": mark for key, mark in enumerate(marks, 1)},
                    comment=comment,
                )
        # Judging over: the results are frozen and the diplomas issued. The
        # service moves no date of a judged contest into the past: the
        # demo's past is made as it was.
        Contest.objects.filter(pk=contest.pk).update(judging_close_at=judged)
        contest.refresh_from_db()
        contest = results_services.contest_finish(contest=contest, actor=organiser)
        results_services.diplomas_issue(contest_id=contest.pk)
        Contest.objects.filter(pk=contest.pk).update(published_at=opens)
        for hours, entry in enumerate(entries.values()):
            Entry.objects.filter(pk=entry.pk).update(
                created_at=opens + datetime.timedelta(days=3, hours=5 * hours)
            )

    def _contest_open(self, users: dict) -> None:
        """The contest taking entries: two came in; the jury waits for
        entries to close, the public vote for the jury."""
        from contests.models import Contest

        if Contest.objects.filter(title=CONTEST_OPEN[0]).exists():
            return
        self._contest_made(CONTEST_OPEN, users)

    def _poll(self, users: dict) -> None:
        """The poll on a topic, by the topic's author, and its votes."""
        import datetime

        from django.utils import timezone

        from contests.models import Poll
        from contests.services import polls as poll_services
        from forums.models import Topic

        title, question, answers, days, votes = POLL
        topic = Topic.objects.filter(title=title).first()
        if topic is None or Poll.objects.filter(topic=topic).exists():
            return
        poll = poll_services.poll_create(
            topic=topic,
            author=topic.author,
            question=question,
            kind=Poll.Kind.SINGLE,
            options=answers,
            results=Poll.Results.ALWAYS,
            voters_shown=False,
            closes_at=timezone.now() + datetime.timedelta(days=days),
        )
        options = list(poll.options.order_by("position", "pk"))
        for email, number in votes.items():
            poll_services.poll_vote(
                poll=poll, voter=users[email], option_ids=[options[number].pk]
            )

    def _project(self, users: dict) -> None:
        """The network project under way: its teams (of several schools and
        regions) formed, the first stage's results accepted with the
        coordinator's feedback. A stage's deadline is set in the future, so
        the first one's is moved back to when it passed, with its results'
        dates, as they were: the project is at its second stage."""
        import datetime

        from django.utils import timezone

        from contests.models import Project, Stage, StageResult
        from contests.services import projects as project_services

        if Project.objects.filter(title=PROJECT["title"]).exists():
            return
        coordinator = users[PROJECT_COORDINATOR]
        now = timezone.now().replace(second=0, microsecond=0)
        fields = dict(PROJECT)
        project = project_services.project_create(
            coordinator=coordinator,
            subject=Subject.objects.filter(slug=fields.pop("subject")).first(),
            stages=[
                {
                    "title": title,
                    "task": task,
                    "deadline": now + datetime.timedelta(days=max(days, 1)),
                }
                for title, task, days in PROJECT_STAGES
            ],
            **fields,
        )
        project = project_services.project_publish(project=project, actor=coordinator)
        teams = []
        for name, members, result, feedback in PROJECT_TEAMS:
            team = project_services.team_create(
                project=project, user=users[members[0]], name=name
            )
            for email in members[1:]:
                project_services.team_join(team=team, user=users[email])
            teams.append((team, members, result, feedback))
        project = project_services.project_start(project=project, actor=coordinator)
        first = project.stages.order_by("position").first()
        for team, members, result, feedback in teams:
            submitted = project_services.stage_result_submit(
                stage=first, team=team, user=users[members[0]], text=result
            )
            project_services.stage_feedback(
                result=submitted,
                coordinator=coordinator,
                accepted=True,
                feedback=feedback,
            )
        passed = now + datetime.timedelta(days=PROJECT_STAGES[0][2])
        Project.objects.filter(pk=project.pk).update(
            published_at=passed - datetime.timedelta(days=14)
        )
        Stage.objects.filter(pk=first.pk).update(deadline=passed)
        StageResult.objects.filter(stage=first).update(
            submitted_at=passed - datetime.timedelta(days=2),
            feedback_at=passed + datetime.timedelta(days=1),
        )

    def _fill_growth(self) -> None:
        """The demo teacher's plan toward the highest category (once), and
        her evidence gathered from the demo (again each run: it is then
        unchanged)."""
        from growth import services as growth_services
        from growth.models import Plan, Target

        target = Target.objects.filter(
            version__is_current=True, code=GROWTH_TARGET
        ).first()
        if target is None:  # no framework loaded: nothing to aim for
            return
        users = {user.email: user for user in User.objects.all()}
        owner = users[GROWTH_OWNER]
        if not Plan.objects.filter(owner=owner, target_code=GROWTH_TARGET).exists():
            with override_settings(MODERATION_NEW_MEMBER_DAYS=0):
                self._growth_plan(owner, users[GROWTH_MENTOR], target)
        growth_services.evidence_refresh(owner.pk)

    def _growth_plan(self, owner, mentor, target) -> None:
        """The plan, its items (half done), her mentor (accepted), her own
        evidence (one confirmed by the mentor) and the mentor's comment."""
        import datetime

        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.utils import timezone

        from circles.models import Community
        from courses.models import Course
        from growth import services as growth_services
        from growth.models import Competency
        from masterclasses.models import MasterClass

        today = timezone.localdate()
        plan = growth_services.plan_create(
            owner=owner,
            target=target,
            starts_on=today - datetime.timedelta(days=GROWTH_STARTED_DAYS_AGO),
            note=GROWTH_NOTE,
        )
        competencies = {
            competency.code: competency
            for competency in Competency.objects.filter(version_id=target.version_id)
        }
        found = {
            "course": lambda title: Course.objects.filter(title=title).first(),
            "masterclass": lambda title: MasterClass.objects.filter(
                title=title
            ).first(),
            "community": lambda title: Community.objects.filter(name=title).first(),
        }
        for kind, title, on, code, days, done in GROWTH_ITEMS:
            url = object_key = ""
            thing = found[on[0]](on[1]) if on is not None else None
            if thing is not None:
                url = thing.get_absolute_url()
                object_key = f"{thing._meta.label_lower}:{thing.pk}"
            item = growth_services.item_add(
                plan,
                actor=owner,
                kind=kind,
                title=title,
                url=url,
                object_key=object_key,
                competency=competencies.get(code),
                due_on=today + datetime.timedelta(days=days),
            )
            if done:
                growth_services.item_done(item, actor=owner, done=True)
        mentorship = growth_services.mentor_invite(plan, actor=owner, mentor=mentor)
        growth_services.mentor_answer(mentorship, actor=mentor, accept=True)
        for (kind, title, text, days, code, link, attached,
             confirmed) in GROWTH_OWN_EVIDENCE:  # fmt: skip
            upload = None
            if attached is not None:
                name, content = attached
                upload = SimpleUploadedFile(name, content.encode())
            evidence = growth_services.own_evidence_add(
                owner=owner,
                kind=kind,
                title=title,
                description=text,
                happened_on=today - datetime.timedelta(days=days),
                competency_code=code,
                link=link,
                upload=upload,
            )
            if confirmed:
                growth_services.own_evidence_confirm(evidence, actor=mentor, plan=plan)
        growth_services.comment_add(plan, actor=mentor, body=GROWTH_COMMENT)

    def _recognise(self) -> None:
        """The badges the demo members have earned, and this month's points."""
        from django.utils import timezone

        from community import recognition

        recognition.badges_evaluate_everyone()
        recognition.contributions_compute(month=timezone.localdate())
