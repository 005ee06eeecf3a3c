"""Loaders for the papers' ORIGINAL data layouts, for users who have those data sets.

Each is a :class:`~engine.data.DatasetBuilder` that reads a folder in the
layout its publisher distributes and writes the same fields as the stand-in it
replaces, so a plugin trains on either without code changes:

============================ ================================ ===================
builder                      layout                           same fields as
============================ ================================ ===================
``nsynth``                   NSynth json + wav folders        ``gm-notes``
``speech-commands``          Speech Commands word folders     ``tts-digits``
``voxceleb1``                VoxCeleb1 ``wav/`` tree          ``fsdd`` (speakers)
``vggface``                  VGGFace/VGGFace2 identity dirs   ``olivetti``
============================ ================================ ===================

None of these data sets can be downloaded here (they need a licence or a
login), so the builders take a ``root`` parameter (default:
``$XMODAL_DATA_DIR/<name>``) and are listed as "needs your copy".
"""

from __future__ import annotations

from .common import user_root
from .nsynth import NsynthBuilder
from .speech_commands import SpeechCommandsBuilder
from .vggface import VggFaceBuilder
from .voxceleb import VoxCeleb1Builder

__all__ = ["NsynthBuilder", "SpeechCommandsBuilder", "VggFaceBuilder", "VoxCeleb1Builder",
           "user_root"]
