// PocketSphinx 5prealpha (Debian's libpocketsphinx-dev) for SIPFront's recogniser: docs/sip.md, "Speech".
#include <pocketsphinx.h>
