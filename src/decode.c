/* stub: being written */
#include "decode.h"
