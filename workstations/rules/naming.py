"""Art. 6(5): a workstation is named "<applicant's name> + 大众创业指导大师工作室". The rule lives here only."""

WORKSTATION_NAME_SUFFIX = "大众创业指导大师工作室"


def workstation_name(lead_mentor_name: str) -> str:
    lead_mentor_name = (lead_mentor_name or "").strip()
    return f"{lead_mentor_name}{WORKSTATION_NAME_SUFFIX}" if lead_mentor_name else WORKSTATION_NAME_SUFFIX
