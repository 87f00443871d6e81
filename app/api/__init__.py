"""The integration API (/api/v1): bearer tokens scoped to stores, problem+json errors, an OpenAPI document."""
