"""Version of the engine distribution and of the plugin API it speaks."""

__version__ = "0.1.0"

#: The plugin API version. A plugin declares the range it supports in
#: ``__xmodal_api__`` (a PEP 440 specifier such as ``">=1,<2"``); the engine
#: refuses plugins whose range excludes this value. Bump the major part when a
#: change breaks existing plugins.
API_VERSION = "1.0"
