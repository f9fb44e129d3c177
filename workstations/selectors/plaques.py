"""Art. 6(5): what the plaque page lists."""

from workstations.models import State, Workstation
from workstations.models.plaques import Plaque


def plaque_work():
    """Certified workstations (plaque to make or hand over) and every plaque made, for the staff page."""
    certified = Workstation.objects.filter(state=State.CERTIFIED).select_related("host_unit", "plaque").order_by("pk")
    plaques = Plaque.objects.select_related("workstation", "workstation__host_unit").order_by("-issued_on", "-id")
    return certified, plaques
