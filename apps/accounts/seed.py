"""Demo staff: one account per role, and the ministry's departments."""

from apps.accounts import services
from apps.accounts.models import Department, User
from apps.accounts.roles import Role

DEMO_PASSWORD = "demo-pass-2026"

DEPARTMENTS = [
    ("call-centre", "مركز الاتصال الوطني", "National contact centre"),
    ("housing-services", "إدارة الخدمات الإسكانية", "Housing services"),
    ("maintenance", "إدارة الصيانة", "Maintenance"),
    ("mazaya", "برنامج مزايا", "Mazaya programme"),
    ("legal", "الشؤون القانونية", "Legal affairs"),
    ("senior-management", "مكتب الإدارة العليا", "Senior management office"),
]

USERS = [
    ("agent", "Aisha", "Al-Mahmood", "عائشة المحمود", [Role.AGENT], "call-centre"),
    ("supervisor", "Khalid", "Al-Sayed", "خالد السيد", [Role.SUPERVISOR], "call-centre"),
    ("officer", "Fatima", "Hasan", "فاطمة حسن", [Role.DEPARTMENT_OFFICER], "housing-services"),
    ("senior", "Yousif", "Al-Khalifa", "يوسف الخليفة", [Role.SENIOR_MANAGEMENT], "senior-management"),
    ("secretary", "Maryam", "Abdulla", "مريم عبدالله", [Role.COMMITTEE_SECRETARY], "housing-services"),
    ("member", "Ali", "Ebrahim", "علي إبراهيم", [Role.COMMITTEE_MEMBER], "housing-services"),
    ("admin", "Noor", "Al-Ansari", "نور الأنصاري", [Role.ADMINISTRATOR], None),
]


def seed(stdout) -> None:
    departments = {
        code: services.department_upsert(code=code, name_ar=name_ar, name_en=name_en)
        for code, name_ar, name_en in DEPARTMENTS
    }
    for username, first, last, name_ar, roles, department in USERS:
        if User.objects.filter(username=username).exists():
            continue
        services.user_create(
            username=username,
            password=DEMO_PASSWORD,
            roles=roles,
            actor=None,
            first_name=first,
            last_name=last,
            full_name_ar=name_ar,
            email=f"{username}@housing.example.bh",
            department=departments.get(department) if department else None,
            is_superuser=Role.ADMINISTRATOR in roles,
        )
    heads = {"call-centre": "supervisor", "housing-services": "officer", "senior-management": "senior"}
    for code, username in heads.items():
        Department.objects.filter(code=code, head__isnull=True).update(
            head=User.objects.get(username=username)
        )
