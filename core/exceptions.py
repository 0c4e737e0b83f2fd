"""The base of every refusal a user can meet, whatever the app.

Each app's business exceptions derive from `UserFacingError`: a stable `code`, an
HTTP `status` and `api_body()`, the `{"error": code, "detail": ...}` the API
answers (core/api/errors.py translates them once, without knowing the apps).
"""


class UserFacingError(Exception):
    code = "error"
    status = 400

    def api_body(self) -> dict:
        return {"error": self.code, "detail": str(self)}
