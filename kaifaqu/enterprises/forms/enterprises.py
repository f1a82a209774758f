"""Enterprise form and the industry picker (GB/T 4754-2017 classes, searched by code or name)."""

from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaifaqu.core.forms import ScopedModelForm
from kaifaqu.core.lib import uscc
from kaifaqu.core.models import IndustryClass, IndustryLevel
from kaifaqu.core.validators import uscc_message
from kaifaqu.core.views.tables import verbose_label
from kaifaqu.enterprises.models import Enterprise
from kaifaqu.enterprises.selectors import industry_by_code
from kaifaqu.enterprises.services import ENTERPRISE_FIELDS, uscc_taken

QUERY_SUFFIX = "_query"


class IndustryPickerWidget(forms.Widget):
    """A hidden code and a search box: the box lists matching classes and picking one sets the code.

    Without script the box is all there is, so typing a 4-digit code (or a class's exact name)
    into it is enough.
    """

    template_name = "enterprises/widgets/industry_picker.html"
    search_url = reverse_lazy("enterprises:industry-search")

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        typed = str(data.get(name + QUERY_SUFFIX, "")).strip()
        picked = str(data.get(name, "")).strip()
        if not typed:
            return picked
        # A picked entry reads '3011 水泥制造'; what was typed wins over a stale hidden code.
        head = typed.split()[0]
        return head if head.isdigit() else typed

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and name + QUERY_SUFFIX not in data

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        code = "" if value is None else str(value)
        industry = industry_by_code(code) if code.isdigit() else None
        context["widget"].update(
            {
                "code": industry.code if industry else "",
                "label": str(industry) if industry else code,
                "query_name": name + QUERY_SUFFIX,
                "search_url": self.search_url,
            }
        )
        return context


class IndustryField(forms.Field):
    widget = IndustryPickerWidget

    def prepare_value(self, value: Any) -> Any:
        return value.code if isinstance(value, IndustryClass) else value

    def to_python(self, value: Any) -> IndustryClass | None:
        if value in self.empty_values:
            return None
        if isinstance(value, IndustryClass):
            return value
        text = str(value).strip()
        if text.isdigit():
            industry = industry_by_code(text)
        else:
            industry = IndustryClass.objects.filter(level=IndustryLevel.CLASS, name=text).first()
        if industry is None:
            raise ValidationError(
                _(
                    "“%(value)s” is not an industry class of GB/T 4754-2017: type a 4-digit "
                    "code such as 3011, or pick a class from the list."
                )
                % {"value": text},
                code="unknown_industry",
            )
        if industry.level != IndustryLevel.CLASS:
            raise ValidationError(
                _("Choose a 4-digit industry class, not a broader heading."), code="not_a_class"
            )
        return industry


class EnterpriseForm(ScopedModelForm):
    moves: ClassVar[dict[str, str]] = {"zone": "enterprises.enterprise.move"}
    # Wider than 18 so that a code typed with spaces or hyphens reaches the check below.
    uscc = forms.CharField(
        label=verbose_label(Enterprise, "uscc"),
        max_length=40,
        help_text=gettext_lazy("18 characters; spaces, hyphens and lower case are tidied up."),
    )
    industry = IndustryField(
        label=verbose_label(Enterprise, "industry"),
        help_text=gettext_lazy("Search by code or name, or type the 4-digit code."),
    )

    class Meta:
        model = Enterprise
        fields = ENTERPRISE_FIELDS
        widgets = {
            "established_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_uscc(self) -> str:
        try:
            code = uscc.validate(self.cleaned_data["uscc"])
        except uscc.UsccError as error:
            raise ValidationError(uscc_message(error), code="uscc") from None
        # Scoped: a code of a firm the user cannot see is refused without saying it exists.
        taken = uscc_taken(user=self.user, code=code, exclude_pk=self.instance.pk)  # type: ignore[arg-type]
        if taken is not None:
            raise ValidationError(taken, code="unique")
        return code

    def _get_validation_exclusions(self) -> set[str]:
        # The model's own uniqueness message would tell another zone's firm exists.
        return {*super()._get_validation_exclusions(), "uscc"}  # type: ignore[misc]
