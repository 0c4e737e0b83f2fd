def username_from_credentials(request, credentials):
    """django-axes: the login name from the web form ("username") or the API ("email")."""
    credentials = credentials or {}
    name = credentials.get("username") or credentials.get("email")
    if not name and request is not None:
        name = request.POST.get("username") or request.POST.get("email")
    return (name or "").strip().lower() or None
