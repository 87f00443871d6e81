from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    identifier = StringField(_l("E-mail or employee number"),
                             validators=[DataRequired(_l("Enter your e-mail or employee number.")),
                                         Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")),
                                                         Length(max=128)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(_l("Choose a password."))])
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(_l("Repeat the password."))])


class ChangePasswordForm(SetPasswordForm):
    current_password = PasswordField(_l("Current password"),
                                     validators=[DataRequired(_l("Enter your current password."))])


class ForgotPasswordForm(FlaskForm):
    identifier = StringField(_l("E-mail or employee number"),
                             validators=[DataRequired(_l("Enter your e-mail or employee number.")),
                                         Length(max=254)])
