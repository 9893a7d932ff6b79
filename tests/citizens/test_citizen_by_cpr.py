from apps.citizens import selectors, services
from apps.citizens.models import CitizenAccess


def test_citizen_by_cpr_reads_any_spelling_of_the_cpr_without_logging_a_file_read(agent):
    citizen = services.citizen_create(cpr="880412345", name_ar="أحمد علي", actor=agent)
    assert selectors.citizen_by_cpr(cpr="٨٨٠-٤١٢ ٣٤٥") == citizen
    assert selectors.citizen_by_cpr(cpr="880412346") is None
    assert not CitizenAccess.objects.exists()
