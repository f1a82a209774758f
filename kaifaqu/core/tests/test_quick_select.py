"""QuickSelect: the drop-down written in Python renders as Django's Select would."""

from django import forms

from kaifaqu.core.forms import QuickSelect, style_form


class ParkForm(forms.Form):
    park = forms.ChoiceField(
        choices=[("", "—"), ("1", "一园"), ("2", "<b>二园</b>")], required=False
    )
    kind = forms.ChoiceField(choices=[("东区", [("3", "三园")]), ("4", "四园")])


def test_it_marks_the_chosen_option_escapes_labels_and_keeps_groups() -> None:
    form = ParkForm(data={"park": "2", "kind": "3"})
    style_form(form)
    assert isinstance(form.fields["park"].widget, QuickSelect)
    html = str(form["park"])
    assert html.startswith('<select class="form-select" id="id_park" name="park">')
    assert '<option value="2" selected>&lt;b&gt;二园&lt;/b&gt;</option>' in html
    assert '<option value="1">一园</option>' in html
    grouped = str(form["kind"])
    assert '<optgroup label="东区"><option value="3" selected>三园</option></optgroup>' in grouped
    assert form.is_valid()
