/* stub: being written */
#include "msgctx.h"
