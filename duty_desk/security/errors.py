"""Security failures, each with a message that says what to do next."""

from duty_desk.domain.errors import DutyDeskError


class SecurityError(DutyDeskError):
    pass


class NoCredentialStore(SecurityError):
    pass


class DeviceSecretMissing(SecurityError):
    pass


class WrongCredentials(SecurityError):
    pass


class SignInPaused(SecurityError):
    def __init__(self, message: str, seconds_left: int) -> None:
        super().__init__(message)
        self.seconds_left = seconds_left


class WrongRecoveryKey(SecurityError):
    pass


class KeyFileProblem(SecurityError):
    pass
