"""voiceguide: a private, offline voice companion for ketamine-assisted therapy."""

import os as _os

# Nothing voiceguide does may reach the network. onnxruntime (under piper and the speech
# detector) uploads telemetry on Linux unless this is set before it starts; it is set here, on
# import, so that no order of imports can let it through (see voiceguide/engines/onnx.py).
_os.environ["ORT_DISABLE_TELEMETRY"] = "1"

__version__ = "0.1.0"
