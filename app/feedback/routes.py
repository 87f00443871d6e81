"""Feedback (everyone): the inbox, giving kudos and feedback, feedback requests, upward feedback and
questions; company values (HR)."""

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core import params
from app.core.actions import attempt, done, form_status
from app.core.forms import choices
from app.core.htmx import render, see_other
from app.extensions import db
from app.feedback import bp, queries, services, values
from app.feedback.forms import (
    AnswerForm,
    FeedbackForm,
    KudosForm,
    RequestForm,
    UpwardAnswerForm,
    UpwardForm,
    ValueForm,
)
from app.feedback.models import CompanyValue, Feedback, RequestStatus
from app.org import authz

TABS = ("received", "given", "requests", "upward")


@bp.app_template_global()
def feedback_shows_author(message) -> bool:
    return queries.shows_author(current_user, message)


def _people_choices(form_field, placeholder: str) -> None:
    form_field.choices = choices([(0, placeholder)] + [(person.id, person.full_name)
                                                       for person in queries.recipients(current_user)])


def _preselect(form_field) -> None:
    if request.method == "GET":
        wanted = queries.recipient_or_none(current_user, params.id_arg("to"))
        if wanted is not None and wanted.id != current_user.id:
            form_field.data = wanted.id


# -- Inbox -------------------------------------------------------------------------------------------

@bp.get("/")
@login_required
def index():
    tab = params.choice_arg("tab", TABS, "received")
    context = {"tab": tab, "pending_requests": queries.pending_request_count(current_user)}
    if tab == "received":
        context["items"] = queries.received(current_user)
    elif tab == "given":
        context["items"] = queries.given(current_user)
    elif tab == "requests":
        context["to_answer"] = queries.requests_to_answer(current_user)
        context["asked"] = queries.requests_asked(current_user)
    else:
        context["upward_in"] = queries.upward_received(current_user) if current_user.role in authz.PEOPLE_MANAGERS \
            else []
        context["upward_mine"] = queries.upward_mine(current_user)
    return render("feedback/index.html", "feedback/_inbox.html", **context)


@bp.get("/<int:feedback_id>")
@login_required
def item(feedback_id: int):
    found = queries.feedback_or_none(current_user, feedback_id) or abort(404)
    return render_template("feedback/item.html", item=found)


# -- Kudos and feedback ------------------------------------------------------------------------------

@bp.route("/kudos", methods=["GET", "POST"])
@login_required
def give_kudos():
    form = KudosForm()
    _people_choices(form.receiver_id, _("Choose a colleague"))
    form.value_id.choices = choices([(0, _("No particular value"))]
                                    + [(value.id, value.display_name) for value in values.active_values()])
    _preselect(form.receiver_id)
    if form.validate_on_submit():
        with attempt(form) as outcome:
            kudos = services.give_kudos(current_user, form.receiver_id.data, form.message.data,
                                        value_id=form.value_id.data, public=form.visibility.data != "private",
                                        points=form.points.data)
        if outcome.ok:
            return see_other("feedback.give_kudos", sent=kudos.id)
    sent = None
    if request.method == "GET" and params.id_arg("sent"):
        sent = db.session.get(Feedback, params.id_arg("sent"))
        if sent is None or sent.giver_id != current_user.id:
            sent = None
    return render_template("feedback/give_kudos.html", form=form, budget=queries.budget(current_user),
                           sent=sent), form_status(form)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def give_feedback():
    form = FeedbackForm()
    _people_choices(form.receiver_id, _("Choose someone"))
    _preselect(form.receiver_id)
    if form.validate_on_submit():
        with attempt(form) as outcome:
            services.give_feedback(current_user, form.receiver_id.data, form.message.data)
        if outcome.ok:
            return done(_("Feedback sent. Only they and their managers can read it."), "feedback.index", tab="given")
    return render_template("feedback/give_feedback.html", form=form), form_status(form)


# -- Feedback requests -------------------------------------------------------------------------------

@bp.route("/ask", methods=["GET", "POST"])
@login_required
def request_feedback():
    form = RequestForm()
    _people_choices(form.asked_id, _("Choose someone"))
    _preselect(form.asked_id)
    if form.validate_on_submit():
        with attempt(form) as outcome:
            asked = services.request_feedback(current_user, form.asked_id.data, form.question.data)
        if outcome.ok:
            return done(_("Asked. We'll let you know when %(name)s answers.", name=asked.asked.first_name),
                        "feedback.index", tab="requests")
    return render_template("feedback/request.html", form=form), form_status(form)


@bp.route("/requests/<int:feedback_request_id>/answer", methods=["GET", "POST"])
@login_required
def answer_request(feedback_request_id: int):
    feedback_request = queries.request_to_answer_or_none(current_user, feedback_request_id) or abort(404)
    form = AnswerForm()
    if feedback_request.status == RequestStatus.PENDING and form.validate_on_submit():
        with attempt(form) as outcome:
            services.answer_request(current_user, feedback_request, form.message.data)
        if outcome.ok:
            return done(_("Thanks: your feedback is on its way to %(name)s.",
                          name=feedback_request.requester.first_name), "feedback.index", tab="requests")
    return render_template("feedback/answer.html", form=form, feedback_request=feedback_request), \
        form_status(form)


@bp.post("/requests/<int:feedback_request_id>/cancel")
@login_required
def cancel_request(feedback_request_id: int):
    feedback_request = queries.own_request_or_none(current_user, feedback_request_id) or abort(404)
    with attempt() as outcome:
        services.cancel_request(current_user, feedback_request)
    outcome.flash(_("Request cancelled."))
    return see_other("feedback.index", tab="requests")


# -- Upward feedback and questions -------------------------------------------------------------------

@bp.route("/upward/new", methods=["GET", "POST"])
@login_required
def ask_upward():
    form = UpwardForm()
    if request.method == "GET" and current_user.manager is None:
        form.audience.data = "management"
    if form.validate_on_submit():
        with attempt(form) as outcome:
            message = services.ask_upward(current_user, form.audience.data, form.body.data,
                                          anonymous=form.anonymous.data)
        if outcome.ok:
            return done(_("Sent anonymously. Your manager won't see your name.") if message.anonymous
                        else _("Sent. You'll be told when there is an answer."), "feedback.index", tab="upward")
    return render_template("feedback/ask_upward.html", form=form), form_status(form)


@bp.get("/upward/<int:upward_id>")
@login_required
def upward_item(upward_id: int):
    message = queries.upward_or_none(current_user, upward_id) or abort(404)
    return _upward_page(message, UpwardAnswerForm(formdata=None))


def _upward_page(message, form, status: int = 200):
    can_answer = message.answered_at is None and queries.can_answer(current_user, message)
    return render_template("feedback/upward.html", message=message, form=form, can_answer=can_answer,
                           shows_author=queries.shows_author(current_user, message)), status


@bp.post("/upward/<int:upward_id>/answer")
@login_required
def answer_upward(upward_id: int):
    message = queries.upward_or_none(current_user, upward_id)
    if message is None or not queries.can_answer(current_user, message):
        abort(404)
    form = UpwardAnswerForm()
    if form.validate_on_submit():
        with attempt(form) as outcome:
            services.answer_upward(current_user, message, form.answer.data, share=form.share.data)
        if outcome.ok:
            return done(_("Answer sent.") if not message.shared else _("Answer sent and shared with the team."),
                        "feedback.upward_item", upward_id=upward_id)
    return _upward_page(message, form, 422)


# -- Company values (HR) -----------------------------------------------------------------------------

@bp.route("/values", methods=["GET", "POST"])
@authz.roles_required(*authz.ORG_ADMINS)
def company_values():
    form = ValueForm()
    if form.validate_on_submit():
        with attempt(form) as outcome:
            value = values.create_value(current_user, form.name.data, form.description.data or "")
        if outcome.ok:
            return done(_("%(name)s added.", name=value.name), "feedback.company_values")
    return render_template("feedback/values.html", form=form, rows=values.all_values()), form_status(form)


@bp.route("/values/<int:company_value_id>", methods=["GET", "POST"])
@authz.roles_required(*authz.ORG_ADMINS)
def edit_value(company_value_id: int):
    value = db.session.get(CompanyValue, company_value_id) or abort(404)
    form = ValueForm(obj=value)
    if form.validate_on_submit():
        with attempt(form) as outcome:
            values.update_value(current_user, value, form.name.data, form.description.data or "")
        if outcome.ok:
            return done(_("%(name)s saved.", name=value.name), "feedback.company_values")
    return render_template("feedback/value_form.html", form=form, value=value), form_status(form)


@bp.post("/values/<int:company_value_id>/active")
@authz.roles_required(*authz.ORG_ADMINS)
def set_value_active(company_value_id: int):
    value = db.session.get(CompanyValue, company_value_id) or abort(404)
    active = request.form.get("active") == "1"
    values.set_active(current_user, value, active)
    db.session.commit()
    return done(_("%(name)s can be chosen again.", name=value.display_name) if active
                else _("%(name)s is hidden from new kudos.", name=value.display_name), "feedback.company_values")
