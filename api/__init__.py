"""The JSON face of Gazette (Django REST Framework), built on content/ like pages/ is."""
