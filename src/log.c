/* stub: being written */
#include "log.h"
