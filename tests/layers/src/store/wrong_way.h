// A back-arrow the layer check must catch (tests/CMakeLists.txt: layer_check_catches).
#include "api/router.h"
