"""Static files as production serves them: hashed names, gzip and brotli (whitenoise)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Also rewrites the `import … from "./x.js"` lines of the ES modules to the hashed
    names, so a module never meets a stale copy of another one from a browser cache."""

    support_js_module_import_aggregation = True
