"""The purposes of DESIGN.md and a first set of approved quick answers.

Loaded by migration 0002 so every installation starts with them; afterwards they are
managed in the Django admin (the migration never overwrites an edited row).
"""

PURPOSES = [
    # code, Arabic, English
    ("new_application", "طلب خدمة إسكانية جديدة", "New housing application"),
    ("request_delay", "تأخر تلبية الطلب الإسكاني", "Delay of housing request"),
    ("request_status", "حالة الطلب الإسكاني", "Housing request status"),
    ("eligibility", "معايير الاستحقاق", "Eligibility criteria"),
    ("data_update", "تحديث البيانات", "Data update"),
    ("mazaya_appointment", "موعد برنامج مزايا", "Mazaya appointment"),
    ("maintenance", "الصيانة", "Maintenance"),
    ("electronic_draw", "السحب الإلكتروني", "Electronic draw"),
    ("certificates_contracts", "شهادات الاستحقاق وعقود الانتفاع", "Certificates and usufruct contracts"),
    ("complaint", "شكوى", "Complaint"),
    ("other", "أخرى", "Other"),
]

QUICK_ANSWERS = [
    # purpose code, title ar, title en, body ar, body en
    (
        "eligibility",
        "شروط الاستحقاق الأساسية",
        "Basic eligibility conditions",
        "يشترط لتقديم طلب خدمة إسكانية أن يكون مقدم الطلب بحرينيًا، متزوجًا أو يعول أسرة، وألا يتجاوز دخل "
        "الأسرة الشهري السقف المحدد للخدمة، وألا يملك مسكنًا. التفاصيل الكاملة منشورة على موقع الوزارة.",
        "To apply for a housing service the applicant must be a Bahraini citizen, married or supporting a "
        "family, with a monthly family income within the ceiling set for the service, and must not own a "
        "home. The full conditions are published on the ministry's website.",
    ),
    (
        "new_application",
        "المستندات المطلوبة لطلب جديد",
        "Documents for a new application",
        "البطاقة الذكية لمقدم الطلب والزوج/الزوجة، عقد الزواج، شهادة راتب حديثة لا يزيد تاريخها على ثلاثة "
        "أشهر للزوجين، وشهادات ميلاد الأبناء إن وجدوا.",
        "The smart cards of the applicant and spouse, the marriage contract, a salary certificate for both "
        "spouses issued within the last three months, and the children's birth certificates if any.",
    ),
    (
        "new_application",
        "طريقة التقديم الإلكتروني",
        "How to apply online",
        "يقدَّم الطلب إلكترونيًا عبر البوابة الوطنية باستخدام المفتاح الإلكتروني، ويصل رقم الطلب برسالة نصية "
        "إلى الهاتف المسجل.",
        "Applications are submitted online through the national portal with the eKey; the application "
        "number is sent by SMS to the registered mobile.",
    ),
    (
        "request_delay",
        "أولوية تلبية الطلبات",
        "Order in which requests are served",
        "تلبى الطلبات حسب أقدمية تاريخ الطلب ضمن كل مشروع ونوع خدمة، وتختلف مدة الانتظار بحسب الخدمة "
        "المختارة والمحافظة.",
        "Requests are served by application date within each project and type of service; the waiting "
        "time depends on the service chosen and the governorate.",
    ),
    (
        "request_status",
        "متابعة حالة الطلب",
        "Following a request's status",
        "يمكن متابعة حالة الطلب الإسكاني عبر موقع الوزارة باستخدام الرقم الشخصي، أو بالاتصال على الخط "
        "الساخن 80008001.",
        "The status of a housing request can be followed on the ministry's website with the CPR number, or "
        "by calling the hotline 80008001.",
    ),
    (
        "mazaya_appointment",
        "حجز موعد مزايا",
        "Booking a Mazaya appointment",
        "تحجز مواعيد برنامج مزايا في مركز خدمة العملاء بالوزارة أو في بنك الإسكان؛ يرجى إحضار شهادة الراتب "
        "والموافقة المبدئية من البنك.",
        "Mazaya appointments are booked at the ministry's customer service centre or at the Housing Bank; "
        "please bring a salary certificate and the bank's initial approval.",
    ),
    (
        "data_update",
        "أهمية تحديث البيانات",
        "Why we update your data",
        "تحديث أرقام الهاتف والعنوان يضمن وصول الرسائل النصية الخاصة بطلبك ودعوات السحب الإلكتروني إليك.",
        "Keeping your phone numbers and address up to date makes sure you receive the SMS about your "
        "request and the invitations to electronic draws.",
    ),
]


def load(purpose_model, quick_answer_model) -> None:
    """Create the purposes and quick answers that are missing; never change existing rows."""
    for order, (code, name_ar, name_en) in enumerate(PURPOSES, start=1):
        purpose_model.objects.get_or_create(
            code=code, defaults={"name_ar": name_ar, "name_en": name_en, "order": order}
        )
    purposes = dict(purpose_model.objects.values_list("code", "pk"))
    for order, (code, title_ar, title_en, body_ar, body_en) in enumerate(QUICK_ANSWERS, start=1):
        quick_answer_model.objects.get_or_create(
            purpose_id=purposes[code],
            title_en=title_en,
            defaults={"title_ar": title_ar, "body_ar": body_ar, "body_en": body_en, "order": order},
        )


def ensure_after_migrate(*, app_config=None, using="default", **kwargs) -> None:
    """post_migrate: the taxonomy is always there, even after a database flush (tests)."""
    if app_config is None or app_config.label != "contacts":
        return
    from apps.contacts.models import Purpose, QuickAnswer

    if not Purpose.objects.using(using).exists():
        load(Purpose, QuickAnswer)
