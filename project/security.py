"""The security headers Django's SecurityMiddleware does not send.

Cross-Origin-Resource-Policy and Permissions-Policy, from the settings of the same
names (CROSS_ORIGIN_RESOURCE_POLICY, PERMISSIONS_POLICY: the features to deny).
"""

from django.conf import settings


def permissions_policy_header(denied_features):
    """`camera=(), microphone=()`: each feature allowed to no origin at all."""
    return ", ".join(f"{feature}=()" for feature in denied_features)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.headers = {
            "Cross-Origin-Resource-Policy": settings.CROSS_ORIGIN_RESOURCE_POLICY,
            "Permissions-Policy": permissions_policy_header(settings.PERMISSIONS_POLICY),
        }

    def __call__(self, request):
        response = self.get_response(request)
        for name, value in self.headers.items():
            response.headers.setdefault(name, value)
        return response
